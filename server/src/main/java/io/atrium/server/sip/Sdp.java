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
    private static final Pattern DIRECTION_LINE = Pattern.compile("a=(sendrecv|sendonly|recvonly|inactive)\\s*");
    private static final Pattern VERSIONED_ORIGIN = Pattern.compile("(?m)^o=(\\S+ \\S+) (\\d+) ");

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

    /**
     * Whether a side whose latest SDP said {@code direction} may send nothing: unless {@code sendrecv}, it holds the call
     * ({@code sendonly}, {@code inactive}) or agreed to be held ({@code recvonly}, {@code inactive}: its answer to a hold).
     */
    static boolean quiet(String direction) {
        return !direction.equals("sendrecv");
    }

    /** The direction of the answer to this offer (RFC 3264 6.1): sendonly and recvonly swap. */
    String answerDirection() {
        return switch (direction()) {
            case "sendonly" -> "recvonly";
            case "recvonly" -> "sendonly";
            default -> direction();
        };
    }

    /**
     * Whether {@code other} describes the same media as this SDP, wherever each listens: the same transport and formats
     * on its audio line, and the same {@code a=rtpmap} and {@code a=fmtp} lines (in any order). A phone that got one of
     * the two may take media sent as the other says.
     */
    boolean sameMedia(Sdp other) {
        return media().equals(other.media());
    }

    private java.util.List<String> media() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (String line : text.split("\r?\n")) {
            String l = line.strip();
            if (l.startsWith("a=rtpmap:") || l.startsWith("a=fmtp:")) {
                lines.add(l);
            }
        }
        java.util.Collections.sort(lines);
        Matcher m = AUDIO.matcher(text);
        lines.add(0, m.find() ? m.group(2).strip() : "");
        return lines;
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

    /**
     * This SDP with every connection address and the origin address set to {@code address}, audio at {@code port}; an
     * RFC 2543 hold ({@code c=0.0.0.0}) keeps its meaning as the direction it stands for ({@link #direction}).
     */
    byte[] pointedAt(String address, int port) {
        String text = this.address.equals("0.0.0.0") ? withDirection(direction()).text : this.text;
        String out = CONNECTION.matcher(text).replaceAll("c=IN IP4 " + Matcher.quoteReplacement(address) + "\r");
        out = ORIGIN.matcher(out).replaceFirst("o=$1 IN IP4 " + Matcher.quoteReplacement(address) + "\r");
        out = AUDIO.matcher(out).replaceFirst("m=audio " + port + "$2");
        return out.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * This SDP with one direction for all its media: itself when every direction line (none: {@code sendrecv}) says
     * {@code direction} already, else {@code direction} at the session level and no other direction line.
     */
    Sdp withDirection(String direction) {
        java.util.Set<String> said = DIRECTION.matcher(text).results().map(m -> m.group(1)).collect(java.util.stream.Collectors.toSet());
        if (!address.equals("0.0.0.0") && (said.isEmpty() ? direction.equals("sendrecv") : said.equals(java.util.Set.of(direction)))) {
            return this;
        }
        StringBuilder out = new StringBuilder();
        boolean placed = false;
        for (String line : text.split("\r?\n")) {
            if (DIRECTION_LINE.matcher(line).matches()) {
                continue;
            }
            if (!placed && line.startsWith("m=")) {
                out.append("a=").append(direction).append("\r\n");
                placed = true;
            }
            out.append(line).append("\r\n");
        }
        return new Sdp(out.toString(), address, audioPort);
    }

    /**
     * This SDP as the next one Atrium sends a phone that last got {@code previous} from it (RFC 3264 8: one origin per
     * session, its version one up exactly when the SDP changed): {@code previous}'s origin user, session id and version,
     * the version one up when anything else differs.
     */
    byte[] after(byte[] previous) {
        String before = new String(previous, java.nio.charset.StandardCharsets.UTF_8);
        Matcher was = VERSIONED_ORIGIN.matcher(before);
        Matcher is = VERSIONED_ORIGIN.matcher(text);
        if (!was.find() || !is.find()) {
            return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        boolean same = VERSIONED_ORIGIN.matcher(before).replaceFirst("o=").equals(VERSIONED_ORIGIN.matcher(text).replaceFirst("o="))
                && was.group(1).equals(is.group(1));
        java.math.BigInteger version = new java.math.BigInteger(was.group(2)).add(same ? java.math.BigInteger.ZERO : java.math.BigInteger.ONE);
        String out = is.replaceFirst(Matcher.quoteReplacement("o=" + was.group(1) + " " + version + " "));
        return out.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
