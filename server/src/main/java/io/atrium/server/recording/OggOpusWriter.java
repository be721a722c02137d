package io.atrium.server.recording;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Opus in Ogg (RFC 7845 over RFC 3533), the intermediate file of an audio track: an {@code OpusHead} page, an
 * {@code OpusTags} page, then one page per Opus packet whose granule position is the 48 kHz sample count at
 * the packet's end, taken from its RTP timestamp, so gaps in the recording stay gaps in time.
 *
 * <pre>
 *  page: "OggS" | u8 version 0 | u8 flags (2 = first, 4 = last) | i64 granule | u32 serial | u32 page number
 *        | u32 CRC (poly 0x04C11DB7 over the page with this field 0) | u8 segments | lacing values | data
 * </pre>
 */
final class OggOpusWriter implements AutoCloseable {

    static final int SAMPLE_RATE = 48_000;
    private static final int[] CRC = crcTable();

    private final OutputStream out;
    private final int serial;
    private int pageNumber;
    private final byte[] page = new byte[27 + 255 + 255 * 255];
    private byte[] pending;
    private int pendingLength;
    private long pendingGranule;

    OggOpusWriter(OutputStream out, int serial, int channels) throws IOException {
        this.out = out;
        this.serial = serial;
        byte[] head = new byte[19];
        System.arraycopy("OpusHead".getBytes(StandardCharsets.US_ASCII), 0, head, 0, 8);
        head[8] = 1;
        head[9] = (byte) channels;
        // pre-skip 0; input rate 48000; gain 0; mapping family 0
        head[12] = (byte) (SAMPLE_RATE & 0xFF);
        head[13] = (byte) (SAMPLE_RATE >>> 8 & 0xFF);
        head[14] = (byte) (SAMPLE_RATE >>> 16 & 0xFF);
        writePage(head, head.length, 0, 0x02);
        byte[] vendor = "Atrium".getBytes(StandardCharsets.US_ASCII);
        byte[] tags = new byte[8 + 4 + vendor.length + 4];
        System.arraycopy("OpusTags".getBytes(StandardCharsets.US_ASCII), 0, tags, 0, 8);
        tags[8] = (byte) vendor.length;
        System.arraycopy(vendor, 0, tags, 12, vendor.length);
        writePage(tags, tags.length, 0, 0);
    }

    /** One Opus packet ending at {@code granule} samples; the last one written is flagged as the stream's end. */
    void packet(byte[] data, int off, int len, long granule) throws IOException {
        flushPending(0);
        if (pending == null || pending.length < len) {
            pending = new byte[Math.max(len, 1500)];
        }
        System.arraycopy(data, off, pending, 0, len);
        pendingLength = len;
        pendingGranule = granule;
    }

    @Override
    public void close() throws IOException {
        flushPending(0x04);
        out.close();
    }

    private void flushPending(int flags) throws IOException {
        if (pending != null && pendingLength >= 0) {
            writePage(pending, pendingLength, pendingGranule, flags);
            pendingLength = -1;
        }
    }

    private void writePage(byte[] data, int len, long granule, int flags) throws IOException {
        int segments = len / 255 + 1;
        if (segments > 255) {
            throw new IOException("an Opus packet of " + len + " bytes does not fit one Ogg page");
        }
        page[0] = 'O';
        page[1] = 'g';
        page[2] = 'g';
        page[3] = 'S';
        page[4] = 0;
        page[5] = (byte) flags;
        for (int i = 0; i < 8; i++) {
            page[6 + i] = (byte) (granule >>> (8 * i));
        }
        le32(14, serial);
        le32(18, pageNumber++);
        le32(22, 0);
        page[26] = (byte) segments;
        for (int i = 0; i < segments; i++) {
            page[27 + i] = (byte) (i < segments - 1 ? 255 : len % 255);
        }
        int header = 27 + segments;
        System.arraycopy(data, 0, page, header, len);
        int crc = 0;
        for (int i = 0; i < header + len; i++) {
            crc = (crc << 8) ^ CRC[((crc >>> 24) ^ page[i]) & 0xFF];
        }
        le32(22, crc);
        out.write(page, 0, header + len);
    }

    private void le32(int at, int value) {
        for (int i = 0; i < 4; i++) {
            page[at + i] = (byte) (value >>> (8 * i));
        }
    }

    /** Samples (at 48 kHz) in an Opus packet, from its TOC byte (RFC 6716 section 3.1); 0 when malformed. */
    static int samples(byte[] buf, int off, int len) {
        if (len < 1) {
            return 0;
        }
        int toc = buf[off] & 0xFF;
        int config = toc >>> 3;
        int frame;
        if (config < 12) {
            frame = new int[] {480, 960, 1920, 2880}[config & 3];
        } else if (config < 16) {
            frame = (config & 1) == 0 ? 480 : 960;
        } else {
            frame = new int[] {120, 240, 480, 960}[config & 3];
        }
        int count = switch (toc & 3) {
            case 0 -> 1;
            case 1, 2 -> 2;
            default -> len < 2 ? 0 : buf[off + 1] & 0x3F;
        };
        return frame * count;
    }

    private static int[] crcTable() {
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int j = 0; j < 8; j++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }
            table[i] = r;
        }
        return table;
    }
}
