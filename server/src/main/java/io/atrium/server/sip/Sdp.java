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

    private static final Pattern DIRECTION = Pattern.compile("(?m)^a=(sendrecv|sendonly|recvonly|inactive)\\s*$");

    /**
     * The direction its sender wants (RFC 3264 5.1; the last attribute, so the media level wins over the
     * session level), {@code sendrecv} when none; a connection address 0.0.0.0 (the RFC 2543 way to
     * hold) makes {@code sendrecv} {@code sendonly}.
     */
    String direction() {
        Matcher m = DIRECTION.matcher(text);
        String d = "sendrecv";
        while (m.find()) {
            d = m.group(1);
        }
        return d.equals("sendrecv") && address.equals("0.0.0.0") ? "sendonly" : d;
    }

    /** Whether its sender wants nothing sent to it: it holds the call (RFC 3264 8.4). */
    boolean holds() {
        String d = direction();
        return d.equals("sendonly") || d.equals("inactive");
    }

    /** The direction of the answer to this offer (RFC 3264 6.1): sendonly and recvonly swap. */
    String answerDirection() {
        return switch (direction()) {
            case "sendonly" -> "recvonly";
            case "recvonly" -> "sendonly";
            default -> direction();
        };
    }

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
