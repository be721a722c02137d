package io.atrium.webrtc.srtp;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * AES counter mode on the JDK's own engine, {@code com.sun.crypto.provider.CounterMode} over its {@code AESCrypt},
 * whose block loop is the HotSpot AES-NI counter-mode intrinsic: the same code {@code Cipher("AES/CTR/NoPadding")}
 * runs, without the {@code Cipher.init} per packet (provider checks, the key compared with the last one, the IV copied)
 * or the copy the JCA makes of a range it encrypts in place. The key schedule is built once; a packet only writes its
 * counter block into the array the engine was initialised with and resets the engine to it. The classes are internal
 * to {@code java.base} and reached as {@link JdkGhash} reaches its own ({@code --add-opens
 * java.base/com.sun.crypto.provider}); {@link AesCounterMode} uses this only after it gave the JCA cipher's keystream
 * on a test vector (an engine that copied the counter block at {@code init} would fail it). Zero allocation per use.
 * Not thread-safe.
 */
final class JdkCounterMode {
    private static final MethodHandle NEW_AES;
    private static final MethodHandle NEW_MODE;
    private static final MethodHandle INIT;
    private static final MethodHandle RESET;
    private static final MethodHandle ENCRYPT;

    static {
        MethodHandle newAes = null;
        MethodHandle newMode = null;
        MethodHandle init = null;
        MethodHandle reset = null;
        MethodHandle encrypt = null;
        try {
            Class<?> aes = Class.forName("com.sun.crypto.provider.AESCrypt");
            Class<?> symmetric = Class.forName("com.sun.crypto.provider.SymmetricCipher");
            Class<?> mode = Class.forName("com.sun.crypto.provider.CounterMode");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(mode, MethodHandles.lookup());
            newAes = l.findConstructor(aes, MethodType.methodType(void.class)).asType(MethodType.methodType(Object.class));
            newMode = l.findConstructor(mode, MethodType.methodType(void.class, symmetric))
                    .asType(MethodType.methodType(Object.class, Object.class));
            init = l.findVirtual(mode, "init", MethodType.methodType(void.class, boolean.class, String.class, byte[].class, byte[].class))
                    .asType(MethodType.methodType(void.class, Object.class, boolean.class, String.class, byte[].class, byte[].class));
            reset = l.findVirtual(mode, "reset", MethodType.methodType(void.class))
                    .asType(MethodType.methodType(void.class, Object.class));
            encrypt = l.findVirtual(mode, "encrypt", MethodType.methodType(int.class, byte[].class, int.class, int.class, byte[].class, int.class))
                    .asType(MethodType.methodType(int.class, Object.class, byte[].class, int.class, int.class, byte[].class, int.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            newAes = null; // not opened to us, or another JDK's internals: the JCA cipher does counter mode
        }
        NEW_AES = newAes;
        NEW_MODE = newMode;
        INIT = init;
        RESET = reset;
        ENCRYPT = encrypt;
    }

    private final Object mode;
    /** The engine's initial counter block: the engine keeps this array (not a copy) and restarts from it at reset. */
    private final byte[] counter = new byte[AesCounterMode.BLOCK];

    private JdkCounterMode(byte[] key) throws Throwable {
        mode = (Object) NEW_MODE.invokeExact((Object) NEW_AES.invokeExact());
        INIT.invokeExact(mode, false, "AES", key.clone(), counter);
    }

    /** Whether the JDK's engine can be reached at all. */
    static boolean available() {
        return NEW_AES != null;
    }

    /** An engine under {@code key} (16, 24 or 32 octets), or null when not {@link #available()} or the key is refused. */
    static JdkCounterMode create(byte[] key) {
        if (NEW_AES == null) {
            return null;
        }
        try {
            return new JdkCounterMode(key);
        } catch (Throwable e) {
            return null;
        }
    }

    /** Restarts the keystream at counter block {@code iv[0, 16)}. */
    void start(byte[] iv) {
        System.arraycopy(iv, 0, counter, 0, AesCounterMode.BLOCK);
        try {
            RESET.invokeExact(mode);
        } catch (Throwable e) {
            throw new IllegalStateException("the JDK's counter mode failed", e);
        }
    }

    /** XORs the next {@code len} keystream octets into {@code buf[off, off+len)}, in place. */
    void apply(byte[] buf, int off, int len) {
        if (len == 0) {
            return;
        }
        try {
            int unused = (int) ENCRYPT.invokeExact(mode, buf, off, len, buf, off);
        } catch (Throwable e) {
            throw new IllegalStateException("the JDK's counter mode failed", e);
        }
    }
}
