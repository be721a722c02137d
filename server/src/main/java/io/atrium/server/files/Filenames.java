package io.atrium.server.files;

import java.text.Normalizer;

/**
 * File names as clients send them are only metadata (files are stored under generated keys), but
 * they are shown to people and put in {@code Content-Disposition}, so they are made harmless: only
 * the last path segment (either slash), no control, format or bidi-override characters, no leading
 * dots, at most {@value #MAX_LENGTH} characters, NFC; a name left empty becomes {@code video} plus
 * the container's extension.
 */
public final class Filenames {

    public static final int MAX_LENGTH = 200;

    private Filenames() {
    }

    public static String sanitize(String raw, Container container) {
        String name = raw == null ? "" : Normalizer.normalize(raw, Normalizer.Form.NFC);
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        StringBuilder b = new StringBuilder(name.length());
        name.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                b.append(' ');
            } else if (type != Character.CONTROL && type != Character.FORMAT && type != Character.SURROGATE
                    && type != Character.PRIVATE_USE && type != Character.UNASSIGNED && cp != 0xFFFD) {
                b.appendCodePoint(cp);
            }
        });
        String clean = b.toString().replaceAll(" {2,}", " ").strip();
        while (clean.startsWith(".")) {
            clean = clean.substring(1).strip();
        }
        if (clean.codePointCount(0, clean.length()) > MAX_LENGTH) {
            int dot = clean.lastIndexOf('.');
            String ext = dot > 0 && clean.length() - dot <= 10 ? clean.substring(dot) : "";
            clean = clean.substring(0, clean.offsetByCodePoints(0, MAX_LENGTH - ext.length())).strip() + ext;
        }
        return clean.isEmpty() ? "video" + container.extension() : clean;
    }

    /** An ASCII stand-in for {@code Content-Disposition}'s plain {@code filename} parameter. */
    static String ascii(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '%' ? c : '_');
        }
        return b.toString();
    }
}
