package io.atrium.webrtc.ice;

import java.security.SecureRandom;

/**
 * ICE username fragment and password, RFC 8445 section 5.3 and RFC 8839 section 5.4: {@code ice-ufrag} is 4 to
 * 256 ice-chars, {@code ice-pwd} 22 to 256 ice-chars, where {@code ice-char = ALPHA / DIGIT / "+" / "/"}. The
 * password must carry at least 128 bits of randomness; {@link #generate} gives 24 characters of 6 bits each.
 *
 * @param ufrag username fragment
 * @param password password, used as the STUN short-term credential key
 */
public record IceCredentials(String ufrag, String password) {
    /** Shortest legal ufrag. */
    public static final int MIN_UFRAG_LENGTH = 4;
    /** Shortest legal password. */
    public static final int MIN_PASSWORD_LENGTH = 22;
    /** Longest legal ufrag or password. */
    public static final int MAX_LENGTH = 256;
    /**
     * Length of generated ufrags: longer than the minimum so that ufrags stay unique among the many peers that
     * share one server port, where the transport finds the peer by ufrag.
     */
    public static final int GENERATED_UFRAG_LENGTH = 8;
    /** Length of generated passwords: 24 * 6 = 144 random bits. */
    public static final int GENERATED_PASSWORD_LENGTH = 24;

    private static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /** Validates both values. */
    public IceCredentials {
        requireIceChars("ufrag", ufrag, MIN_UFRAG_LENGTH);
        requireIceChars("password", password, MIN_PASSWORD_LENGTH);
    }

    /** Random credentials from {@code random}. */
    public static IceCredentials generate(SecureRandom random) {
        return new IceCredentials(randomIceChars(random, GENERATED_UFRAG_LENGTH),
                randomIceChars(random, GENERATED_PASSWORD_LENGTH));
    }

    /** True if {@code s} is non-empty and made only of ice-chars. */
    public static boolean isIceChars(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (ICE_CHARS.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static String randomIceChars(SecureRandom random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ICE_CHARS.charAt(random.nextInt(ICE_CHARS.length()));
        }
        return new String(chars);
    }

    private static void requireIceChars(String name, String value, int minLength) {
        if (value == null || value.length() < minLength || value.length() > MAX_LENGTH || !isIceChars(value)) {
            throw new IllegalArgumentException("ICE " + name + " must be " + minLength + " to " + MAX_LENGTH
                    + " characters of A-Z a-z 0-9 + /");
        }
    }

    /** Shows the ufrag only: the password is a secret. */
    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + ", password=(hidden)]";
    }
}
