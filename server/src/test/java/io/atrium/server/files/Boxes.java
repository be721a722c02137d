package io.atrium.server.files;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds synthetic ISO BMFF boxes and EBML elements for parser tests. */
final class Boxes {

    private Boxes() {
    }

    static byte[] box(String type, byte[]... children) {
        byte[] payload = concat(children);
        return concat(ByteBuffer.allocate(8).putInt(8 + payload.length).put(type.getBytes(StandardCharsets.ISO_8859_1)).array(), payload);
    }

    /** A box with a 64-bit largesize. */
    static byte[] largeBox(String type, byte[]... children) {
        byte[] payload = concat(children);
        return concat(ByteBuffer.allocate(16).putInt(1).put(type.getBytes(StandardCharsets.ISO_8859_1)).putLong(16L + payload.length).array(),
                payload);
    }

    static byte[] ftyp(String major, String... compatible) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * compatible.length).put(major.getBytes(StandardCharsets.ISO_8859_1)).putInt(0x200);
        for (String c : compatible) {
            b.put(c.getBytes(StandardCharsets.ISO_8859_1));
        }
        return box("ftyp", b.array());
    }

    static byte[] mvhd0(long timescale, long duration) {
        return box("mvhd", ByteBuffer.allocate(100).putInt(0).putInt(1).putInt(2).putInt((int) timescale).putInt((int) duration).array());
    }

    static byte[] mvhd1(long timescale, long duration) {
        return box("mvhd", ByteBuffer.allocate(112).putInt(1 << 24).putLong(1).putLong(2).putInt((int) timescale).putLong(duration).array());
    }

    static byte[] mehd(long duration) {
        return box("mehd", ByteBuffer.allocate(8).putInt(0).putInt((int) duration).array());
    }

    /** ftyp isom + mdat of {@code mdat} bytes + moov/mvhd v0. */
    static byte[] mp4(long timescale, long duration, int mdat) {
        return concat(ftyp("isom", "isom", "mp41"), box("mdat", new byte[mdat]), box("moov", mvhd0(timescale, duration)));
    }

    // EBML

    static byte[] element(long id, byte[]... children) {
        byte[] payload = concat(children);
        return concat(id(id), size(payload.length), payload);
    }

    /** An element of unknown size (all size bits set, 8-byte form). */
    static byte[] unknownSize(long id, byte[]... children) {
        return concat(id(id), new byte[] {0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                concat(children));
    }

    static byte[] uint(long id, long value) {
        return element(id, ByteBuffer.allocate(8).putLong(value).array());
    }

    static byte[] string(long id, String value) {
        return element(id, value.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] float32(long id, float value) {
        return element(id, ByteBuffer.allocate(4).putFloat(value).array());
    }

    static byte[] float64(long id, double value) {
        return element(id, ByteBuffer.allocate(8).putDouble(value).array());
    }

    static byte[] ebmlHeader(String docType) {
        return element(0x1A45DFA3L, uint(0x4286, 1), string(0x4282, docType));
    }

    static byte[] simpleBlock(int relativeTimestamp) {
        return element(0xA3, new byte[] {(byte) 0x81, (byte) (relativeTimestamp >> 8), (byte) relativeTimestamp, (byte) 0x80, 1, 2, 3});
    }

    private static byte[] id(long id) {
        int n = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (id >>> (8 * (n - 1 - i)));
        }
        return out;
    }

    private static byte[] size(long size) {
        return ByteBuffer.allocate(8).putLong(0x0100_0000_0000_0000L | size).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
