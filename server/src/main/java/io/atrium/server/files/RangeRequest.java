package io.atrium.server.files;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code Range: bytes=…} request header (RFC 9110 §14) resolved against a representation's size:
 * {@code first-last}, {@code first-} or {@code -suffix}. A header that is absent, malformed, not in
 * bytes or asks for several ranges is ignored ({@link Full}: the whole file is served, as §14.2
 * allows); a single range that starts at or past the end is {@link Unsatisfiable} (416).
 */
sealed interface RangeRequest permits RangeRequest.Full, RangeRequest.Unsatisfiable, RangeRequest.Part {

    /** Serve the whole representation (200). */
    record Full() implements RangeRequest {
    }

    /** Answer 416 with {@code Content-Range: bytes *}{@code /size}. */
    record Unsatisfiable() implements RangeRequest {
    }

    /** Serve bytes {@code first} to {@code last} inclusive (206). */
    record Part(long first, long last) implements RangeRequest {
        long length() {
            return last - first + 1;
        }

        String contentRange(long size) {
            return "bytes " + first + "-" + last + "/" + size;
        }
    }

    Full FULL = new Full();
    Unsatisfiable UNSATISFIABLE = new Unsatisfiable();

    static RangeRequest parse(String header, long size) {
        if (header == null) {
            return FULL;
        }
        Matcher m = Syntax.SPEC.matcher(header.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return FULL;
        }
        String a = m.group(1);
        String b = m.group(2);
        if (a.isEmpty() && b.isEmpty()) {
            return FULL;
        }
        if (a.length() > Syntax.MAX_DIGITS) {
            return UNSATISFIABLE;
        }
        if (a.isEmpty()) {
            long suffix = b.length() > Syntax.MAX_DIGITS ? Long.MAX_VALUE : Long.parseLong(b);
            if (suffix == 0 || size == 0) {
                return UNSATISFIABLE;
            }
            return new Part(Math.max(0, size - suffix), size - 1);
        }
        long first = Long.parseLong(a);
        long last = b.isEmpty() || b.length() > Syntax.MAX_DIGITS ? Long.MAX_VALUE : Long.parseLong(b);
        if (last < first) {
            return FULL;
        }
        if (first >= size) {
            return UNSATISFIABLE;
        }
        return new Part(first, Math.min(last, size - 1));
    }

    /** The grammar of one byte range; several ranges do not match and are ignored. */
    final class Syntax {
        static final Pattern SPEC = Pattern.compile("bytes[ \\t]*=[ \\t]*(\\d*)[ \\t]*-[ \\t]*(\\d*)[ \\t]*");
        static final int MAX_DIGITS = 18;

        private Syntax() {
        }
    }
}
