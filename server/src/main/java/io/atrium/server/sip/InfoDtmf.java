package io.atrium.server.sip;

import io.atrium.server.sip.audio.Dtmf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A key typed on a phone that sends DTMF in SIP INFO requests instead of RFC 4733 events in its RTP (older desk phones,
 * PBXs set to {@code dtmfmode=info}): the de-facto bodies {@code application/dtmf-relay} ({@code Signal=5} and
 * {@code Duration=160} lines) and {@code application/dtmf} (the key alone). Keys are {@code 0}-{@code 9}, {@code *},
 * {@code #} and {@code A}-{@code D}; a number 10 to 15, which some phones send for {@code *}, {@code #} and
 * {@code A}-{@code D}, is that key's RFC 4733 event code ({@link Dtmf#DIGITS}).
 */
final class InfoDtmf {

    /** The content types {@link #read} reads, for the {@code Accept} header of a 415. */
    static final java.util.List<String> TYPES = java.util.List.of("application/dtmf-relay", "application/dtmf");
    private static final int MAX_BODY = 256;

    /** The outcome: the key, or why there is none. */
    sealed interface Result {
    }

    record Key(char digit) implements Result {
    }

    /** Another content type than {@link #TYPES}: 415. */
    record Unsupported() implements Result {
    }

    /** One of {@link #TYPES} whose body names no key: 400. */
    record Malformed(String why) implements Result {
    }

    private InfoDtmf() {
    }

    /** The key in an INFO of {@code contentType} ({@code type/subtype}, any case, parameters ignored) with {@code body}. */
    static Result read(String contentType, byte[] body) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        boolean relay = type.equals(TYPES.get(0));
        if (!relay && !type.equals(TYPES.get(1))) {
            return new Unsupported();
        }
        if (body == null || body.length == 0 || body.length > MAX_BODY) {
            return new Malformed(body == null || body.length == 0 ? "no body" : "body over " + MAX_BODY + " bytes");
        }
        String text = new String(body, StandardCharsets.US_ASCII);
        String signal = null;
        if (relay) {
            for (String line : text.split("\r?\n")) {
                int eq = line.indexOf('=');
                if (eq > 0 && line.substring(0, eq).trim().equalsIgnoreCase("signal")) {
                    signal = line.substring(eq + 1).trim();
                    break;
                }
            }
            if (signal == null) {
                return new Malformed("no Signal= line");
            }
        } else {
            signal = text.trim();
        }
        int code = signal.matches("[0-9]{1,2}") ? Integer.parseInt(signal) : -1;
        char key = 0;
        if (code >= 0 && code < Dtmf.DIGITS.length()) {
            key = Dtmf.DIGITS.charAt(code); // 0-9 alike either way; 10-15 are RFC 4733 event codes
        } else if (signal.length() == 1 && Dtmf.DIGITS.indexOf(Character.toUpperCase(signal.charAt(0))) >= 0) {
            key = Character.toUpperCase(signal.charAt(0));
        }
        return key == 0 ? new Malformed("no DTMF key in \"" + (signal.length() > 16 ? signal.substring(0, 16) + "…" : signal) + "\"")
                : new Key(key);
    }
}
