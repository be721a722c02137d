package io.atrium.webrtc.sdp;

/**
 * ICE username fragment and password, {@code a=ice-ufrag} and {@code a=ice-pwd} (RFC 8839 §5.4).
 *
 * <pre>
 *  a=ice-ufrag:&lt;4-256 ice-char&gt;
 *  a=ice-pwd:&lt;22-256 ice-char&gt;        ice-char = ALPHA / DIGIT / "+" / "/"
 * </pre>
 *
 * @param ufrag the username fragment
 * @param pwd   the password
 */
public record IceCredentials(String ufrag, String pwd) {

    /** Shortest ufrag (RFC 8839 §5.4). */
    public static final int MIN_UFRAG_LENGTH = 4;
    /** Shortest password (RFC 8839 §5.4). */
    public static final int MIN_PWD_LENGTH = 22;

    /** Validates both values. */
    public IceCredentials {
        checkUfrag(ufrag);
        checkPwd(pwd);
    }

    /** Validates an {@code a=ice-ufrag} value. */
    static String checkUfrag(String ufrag) {
        return check(ufrag, MIN_UFRAG_LENGTH, "ice-ufrag");
    }

    /** Validates an {@code a=ice-pwd} value. */
    static String checkPwd(String pwd) {
        return check(pwd, MIN_PWD_LENGTH, "ice-pwd");
    }

    private static String check(String s, int min, String what) {
        if (s.length() < min || s.length() > SdpLimits.MAX_ICE_CREDENTIAL_LENGTH) {
            throw new SdpException(what + " must be " + min + " to " + SdpLimits.MAX_ICE_CREDENTIAL_LENGTH
                    + " characters, found " + s.length());
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isIceChar(s.charAt(i))) {
                throw new SdpException(what + " may contain only letters, digits, '+' and '/'");
            }
        }
        return s;
    }

    static boolean isIceChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    /** Returns the {@code a=ice-ufrag} line. */
    public SdpLine ufragLine() {
        return SdpLine.attribute("ice-ufrag", ufrag);
    }

    /** Returns the {@code a=ice-pwd} line. */
    public SdpLine pwdLine() {
        return SdpLine.attribute("ice-pwd", pwd);
    }

    /** Does not print the password. */
    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + "]";
    }
}
