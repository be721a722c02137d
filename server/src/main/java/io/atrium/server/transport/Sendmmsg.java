package io.atrium.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.unix.IovArray;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;

/**
 * {@code sendmmsg} straight from {@link Egress}'s memory, without Netty's per-message envelope (a pooled buffer, a
 * {@code DatagramPacket} and an outbound-buffer entry per message, and a copy into that buffer): each message is an
 * {@code iovec} list pointing at its datagrams where {@link Egress} holds them, one GSO message per run, and the whole
 * flush is one system call. The call is Netty's own JNI one ({@code LinuxSocket.sendmmsg} over its
 * {@code NativeDatagramPacket}s, which its epoll channel uses for the same job), reached through method handles because
 * Netty keeps it package-private: no native code of ours. {@link #AVAILABLE} is false when any piece is missing (another
 * Netty, no epoll), and {@link MediaSocket} then writes through the channel as before. Media thread only; allocates
 * nothing per message.
 */
final class Sendmmsg {

    /** Whether this Netty has the pieces; checked once. */
    static final boolean AVAILABLE;
    private static final MethodHandle NEW_ARRAY;
    private static final MethodHandle PACKETS;
    private static final MethodHandle INIT;
    private static final MethodHandle SEND;

    static {
        MethodHandle newArray = null;
        MethodHandle packets = null;
        MethodHandle init = null;
        MethodHandle send = null;
        boolean available = false;
        try {
            Class<?> array = Class.forName("io.netty.channel.epoll.NativeDatagramPacketArray");
            Class<?> packet = Class.forName("io.netty.channel.epoll.NativeDatagramPacketArray$NativeDatagramPacket");
            Class<?> socket = Class.forName("io.netty.channel.epoll.LinuxSocket");
            Class<?> packetArray = packet.arrayType();
            MethodHandles.Lookup a = MethodHandles.privateLookupIn(array, MethodHandles.lookup());
            newArray = a.findConstructor(array, MethodType.methodType(void.class)).asType(MethodType.methodType(Object.class));
            packets = a.findVirtual(array, "packets", MethodType.methodType(packetArray))
                    .asType(MethodType.methodType(Object[].class, Object.class));
            init = MethodHandles.privateLookupIn(packet, MethodHandles.lookup())
                    .findVirtual(packet, "init", MethodType.methodType(void.class, long.class, int.class, int.class, InetSocketAddress.class))
                    .asType(MethodType.methodType(void.class, Object.class, long.class, int.class, int.class, InetSocketAddress.class));
            send = MethodHandles.privateLookupIn(socket, MethodHandles.lookup())
                    .findVirtual(socket, "sendmmsg", MethodType.methodType(int.class, packetArray, int.class, int.class))
                    .asType(MethodType.methodType(int.class, Object.class, Object[].class, int.class, int.class));
            available = io.netty.channel.epoll.Native.IS_SUPPORTING_SENDMMSG;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError notThisNetty) {
            available = false;
        }
        AVAILABLE = available;
        NEW_ARRAY = newArray;
        PACKETS = packets;
        INIT = init;
        SEND = send;
    }

    /** Why a message could not be sent: the error, or null when the socket's send buffer was full. */
    interface Dropped {
        void dropped(int datagrams, IOException cause);
    }

    private final Object socket;
    private final Object[] packets;
    private final IovArray iov = new IovArray();
    private final int[] datagrams;
    private int messages;
    private volatile boolean released;

    /**
     * For the channel's socket, for flushes of at most {@code maxDatagrams} datagrams (each an {@code iovec}, at most
     * one message each); {@link #AVAILABLE} must be true.
     */
    Sendmmsg(EpollDatagramChannel channel, int maxDatagrams) {
        try {
            this.socket = channel.fd();
            this.packets = (Object[]) PACKETS.invokeExact(NEW_ARRAY.invokeExact());
        } catch (Throwable e) {
            throw new IllegalStateException("Netty's sendmmsg is not usable", e);
        }
        if (maxDatagrams > packets.length || maxDatagrams > io.netty.channel.unix.Limits.IOV_MAX) {
            throw new IllegalArgumentException(maxDatagrams + " datagrams do not fit one sendmmsg");
        }
        this.datagrams = new int[packets.length];
    }

    /**
     * Adds one message to {@code to}: the {@code count} datagrams of {@code egress} from {@code first} (following
     * {@link Egress#next}), cut by the kernel into {@code segment}-byte datagrams when {@code count > 1}. The datagrams
     * must stay where they are until {@link #send}.
     */
    void add(Egress egress, int first, int count, int segment, InetSocketAddress to) {
        int start = iov.count();
        ByteBuf data = egress.data();
        for (int i = first, n = 0; n < count; n++, i = egress.next(i)) {
            if (!iov.add(data, egress.offset(i), egress.length(i))) {
                throw new IllegalStateException("more datagrams than one flush holds"); // the constructor's bound
            }
        }
        try {
            INIT.invokeExact(packets[messages], iov.memoryAddress(start), count, count == 1 ? 0 : segment, to);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        datagrams[messages++] = count;
    }

    /**
     * Sends every added message in as few {@code sendmmsg} calls as the kernel takes them and forgets them. A message the
     * kernel refuses (an unreachable destination, say) is dropped and the rest still go; when the socket's send buffer is
     * full what is left is dropped rather than queued (a late media packet is worth less than the next one; NACKs and
     * DTLS's own retransmission recover what matters).
     */
    void send(Dropped dropped) {
        int sent = 0;
        try {
            while (sent < messages) {
                int n;
                try {
                    n = (int) SEND.invokeExact(socket, packets, sent, messages - sent);
                } catch (IOException refused) {
                    dropped.dropped(datagrams[sent++], refused);
                    continue;
                }
                if (n <= 0) {
                    for (; sent < messages; sent++) {
                        dropped.dropped(datagrams[sent], null);
                    }
                    break;
                }
                sent += n;
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            messages = 0;
            iov.clear();
        }
    }

    /** Frees the native iovec memory; nothing may be added or sent after. */
    void release() {
        iov.release();
        released = true;
    }

    /** True once {@link #release} has run. */
    boolean released() {
        return released;
    }
}
