package io.atrium.server.files;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A part's {@code Content-Disposition} header (RFC 7578 §4.2, RFC 6266): the type, {@code name} and
 * {@code filename}, preferring {@code filename*} (RFC 8187, UTF-8 percent-encoded) when given.
 * Browsers send backslashes in quoted file names as they are, so a backslash only escapes a quote or
 * another backslash. The file name comes back raw; {@link Filenames#sanitize} makes it safe.
 */
record ContentDisposition(String type, String name, String filename) {

    static ContentDisposition parse(String header) {
        Cursor c = new Cursor(header);
        String type = c.token().toLowerCase(Locale.ROOT);
        String name = null;
        String filename = null;
        String extended = null;
        while (c.skip(';')) {
            String key = c.token().toLowerCase(Locale.ROOT);
            if (!c.skip('=')) {
                continue;
            }
            String value = c.value();
            switch (key) {
                case "name" -> name = value;
                case "filename" -> filename = value;
                case "filename*" -> extended = decodeExtended(value);
                default -> {
                    // other parameters are not used
                }
            }
        }
        return new ContentDisposition(type, name, extended != null ? extended : filename);
    }

    /** {@code charset'lang'percent-encoded}; only UTF-8 (and its subset US-ASCII) is decoded. Null when malformed. */
    static String decodeExtended(String value) {
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        if (second < 0) {
            return null;
        }
        String charset = value.substring(0, first).toUpperCase(Locale.ROOT);
        if (!charset.equals("UTF-8") && !charset.equals("US-ASCII")) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String encoded = value.substring(second + 1);
        for (int i = 0; i < encoded.length(); i++) {
            char ch = encoded.charAt(i);
            if (ch == '%' && i + 2 < encoded.length() && isHex(encoded.charAt(i + 1)) && isHex(encoded.charAt(i + 2))) {
                out.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (ch < 0x80) {
                out.write(ch);
            } else {
                return null;
            }
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        private void spaces() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
        }

        boolean skip(char expected) {
            spaces();
            if (i < s.length() && s.charAt(i) == expected) {
                i++;
                return true;
            }
            // tolerate junk up to the next separator
            while (i < s.length() && s.charAt(i) != expected && s.charAt(i) != ';') {
                i++;
            }
            if (i < s.length() && s.charAt(i) == expected) {
                i++;
                return true;
            }
            return false;
        }

        String token() {
            spaces();
            int start = i;
            while (i < s.length() && s.charAt(i) != ';' && s.charAt(i) != '=' && s.charAt(i) != ' ' && s.charAt(i) != '\t') {
                i++;
            }
            return s.substring(start, i);
        }

        String value() {
            spaces();
            if (i < s.length() && s.charAt(i) == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (i < s.length() && s.charAt(i) != '"') {
                    char ch = s.charAt(i);
                    if (ch == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
                        ch = s.charAt(++i);
                    }
                    b.append(ch);
                    i++;
                }
                i++;
                return b.toString();
            }
            int start = i;
            while (i < s.length() && s.charAt(i) != ';') {
                i++;
            }
            return s.substring(start, i).trim();
        }
    }
}
