package io.atrium.server.sip;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The little of SDP (RFC 4566) the relay needs: where a phone listens for audio ({@code c=} and the
 * {@code m=audio} port) and the same offer or answer pointing at one of Atrium's relay legs instead.
 * Codecs and every other line pass through unchanged, so the phones negotiate with each other.
 */
record Sdp(String text, String address, int audioPort) {

    private static final Pattern CONNECTION = Pattern.compile("(?m)^c=IN IP[46] (\\S+)\\s*$");
    private static final Pattern AUDIO = Pattern.compile("(?m)^m=audio (\\d+)( .*)$");
    private static final Pattern ORIGIN = Pattern.compile("(?m)^o=(\\S+ \\S+ \\S+) IN IP[46] \\S+\\s*$");

    /** The SDP body, or null when it has no connection address or audio line. */
    static Sdp parse(byte[] body) {
        if (body == null) {
            return null;
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        Matcher c = CONNECTION.matcher(text);
        Matcher m = AUDIO.matcher(text);
        if (!c.find() || !m.find()) {
            return null;
        }
        return new Sdp(text, c.group(1), Integer.parseInt(m.group(1)));
    }

    /** This SDP with every connection address and the origin address set to {@code address}, audio at {@code port}. */
    byte[] pointedAt(String address, int port) {
        String out = CONNECTION.matcher(text).replaceAll("c=IN IP4 " + Matcher.quoteReplacement(address) + "\r");
        out = ORIGIN.matcher(out).replaceFirst("o=$1 IN IP4 " + Matcher.quoteReplacement(address) + "\r");
        out = AUDIO.matcher(out).replaceFirst("m=audio " + port + "$2");
        return out.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
