package io.atrium.webrtc.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * Lexical helpers for SDP values (RFC 8866 §9 grammar): token checks, space splitting and bounded
 * number parsing that throw only {@link SdpException}. No regular expressions, so no backtracking.
 */
final class SdpText {

    private SdpText() {
    }

    /** Splits on runs of spaces and tabs, dropping empty pieces. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && isSpace(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isSpace(s.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(s.substring(start, i));
            }
        }
        return out;
    }

    /** Splits on a separator character, keeping empty pieces. */
    static List<String> split(String s, char separator) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == separator) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    /** Returns the index of the first space or tab, or -1. */
    static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isSpace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** RFC 8866 §9 token-char: %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E. */
    static boolean isTokenChar(char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2A || c == 0x2B || c == 0x2D || c == 0x2E
                || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x5E && c <= 0x7E);
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Returns {@code s} when it is a non-empty token of at most {@code maxLength} characters. */
    static String token(String s, int maxLength, String what) {
        if (s.isEmpty()) {
            throw new SdpException(what + " is empty");
        }
        if (s.length() > maxLength) {
            throw new SdpException(what + " is longer than " + maxLength + " characters");
        }
        if (!isToken(s)) {
            throw new SdpException(what + " '" + SdpException.excerpt(s) + "' contains a character not allowed in a token");
        }
        return s;
    }

    /**
     * Returns {@code s} when it is a non-empty word of at most {@code maxLength} characters without
     * spaces or control characters (RFC 8866 §9 non-ws-string, used for addresses, URIs and protos).
     */
    static String word(String s, int maxLength, String what) {
        if (s.isEmpty()) {
            throw new SdpException(what + " is empty");
        }
        if (s.length() > maxLength) {
            throw new SdpException(what + " is longer than " + maxLength + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c == 0x7f) {
                throw new SdpException(what + " '" + SdpException.excerpt(s) + "' contains a space or control character");
            }
        }
        return s;
    }

    /** Returns {@code s} when it is a non-empty word without spaces. */
    static String word(String s, String what) {
        return word(s, SdpLimits.MAX_LINE_LENGTH, what);
    }

    /** Returns {@code s} when it is a non-empty token. */
    static String token(String s, String what) {
        return token(s, SdpLimits.MAX_LINE_LENGTH, what);
    }

    /** RFC 8851 rid-id and RFC 8853 sc-id: 1*(ALPHA / DIGIT / "-" / "_"). */
    static String ridId(String s, String what) {
        if (s.isEmpty() || s.length() > SdpLimits.MAX_ID_LENGTH) {
            throw new SdpException(what + " must be 1 to " + SdpLimits.MAX_ID_LENGTH + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_';
            if (!ok) {
                throw new SdpException(what + " '" + SdpException.excerpt(s) + "' may contain only letters, digits, '-' and '_'");
            }
        }
        return s;
    }

    /** Parses a decimal number of at most 18 digits within [min, max]. */
    static long parseLong(String s, long min, long max, String what) {
        if (s.isEmpty()) {
            throw new SdpException(what + " is missing");
        }
        if (s.length() > 18) {
            throw new SdpException(what + " '" + SdpException.excerpt(s) + "' is out of range " + min + "-" + max);
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new SdpException(what + " '" + SdpException.excerpt(s) + "' is not a number");
            }
            v = v * 10 + (c - '0');
        }
        if (v < min || v > max) {
            throw new SdpException(what + " " + v + " is out of range " + min + "-" + max);
        }
        return v;
    }

    static int parseInt(String s, int min, int max, String what) {
        return (int) parseLong(s, min, max, what);
    }

    /** Parses an RTP payload type (RFC 3550 §5.1: 7 bits). */
    static int payloadType(String s) {
        return parseInt(s, 0, 127, "payload type");
    }

    /** Returns true when {@code s} is 1 to 18 ASCII digits. */
    static boolean isDigits(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
