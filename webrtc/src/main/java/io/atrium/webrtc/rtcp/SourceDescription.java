package io.atrium.webrtc.rtcp;

import io.atrium.webrtc.util.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Source description (SDES), RFC 3550 section 6.5: flyweight reader iterating chunks and items,
 * and a writer.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |  PT=SDES=202  |             length            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                          SSRC/CSRC_1                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    type (1=CNAME) |  length   |  text (length bytes, UTF-8) ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | ... more items | 0 (end of list) | 0 padding to 32-bit boundary|
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                     next chunk (SSRC/CSRC_2) ...              |
 * </pre>
 *
 * <p>{@link #wrap} checks every chunk (items within the packet, each list ended by a null octet,
 * chunks aligned to 32 bits), so iteration with {@link #nextChunk()} / {@link #nextItem()} cannot
 * run off the packet.
 */
public final class SourceDescription {
    /** Item type CNAME (section 6.5.1). */
    public static final int CNAME = 1;
    /** Largest item text length (8-bit length field). */
    public static final int MAX_ITEM_LENGTH = 255;
    private static final int END = 0;

    /** An item of a chunk to write. */
    public record Item(int type, String text) {
    }

    /** A chunk to write: an SSRC/CSRC and its items. */
    public record Chunk(int ssrc, List<Item> items) {
    }

    private byte[] buf;
    private int start;
    private int end;
    private int chunkPos;
    private int chunksLeft;
    private int itemPos;
    private int chunkSsrc;
    private int itemType;
    private int itemOffset;
    private int itemLength;

    /**
     * Reads and validates the SDES packet at {@code buf[off]}, {@code len} bytes available.
     *
     * @return {@code false} when the packet or any of its SC chunks is malformed
     */
    public boolean wrap(byte[] buf, int off, int len) {
        this.buf = null;
        int content = RtcpHeader.check(buf, off, len, RtcpHeader.SDES, RtcpHeader.HEADER_LENGTH);
        if (content < 0) {
            return false;
        }
        int pos = off + RtcpHeader.HEADER_LENGTH;
        int limit = off + content;
        for (int c = RtcpHeader.count(buf, off); c > 0; c--) {
            pos = skipChunk(buf, pos, limit);
            if (pos < 0) {
                return false;
            }
        }
        this.buf = buf;
        this.start = off;
        this.end = limit;
        rewind();
        return true;
    }

    /** Returns the index after the chunk at {@code pos}, or -1 when it is malformed. */
    private static int skipChunk(byte[] buf, int pos, int limit) {
        int p = pos + 4;
        while (true) {
            if (p >= limit) {
                return -1;
            }
            if (buf[p] == END) {
                p++;
                break;
            }
            if (p + 2 > limit) {
                return -1;
            }
            p += 2 + (buf[p + 1] & 0xFF);
        }
        int aligned = pos + ((p - pos + 3) & ~3);
        return aligned > limit ? -1 : aligned;
    }

    /** Moves back before the first chunk. */
    public void rewind() {
        if (buf == null) {
            return;
        }
        chunkPos = start + RtcpHeader.HEADER_LENGTH;
        chunksLeft = RtcpHeader.count(buf, start);
        itemPos = -1;
    }

    /** Number of chunks (SC). */
    public int chunkCount() {
        return RtcpHeader.count(buf, start);
    }

    /** Advances to the next chunk; {@code false} after the last. */
    public boolean nextChunk() {
        if (buf == null || chunksLeft == 0) {
            itemPos = -1;
            return false;
        }
        if (itemPos >= 0) {
            chunkPos = skipChunk(buf, chunkPos, end); // validated by wrap
        }
        chunksLeft--;
        chunkSsrc = Bytes.i32(buf, chunkPos);
        itemPos = chunkPos + 4;
        return true;
    }

    /** SSRC/CSRC of the current chunk. */
    public int chunkSsrc() {
        return chunkSsrc;
    }

    /** Advances to the next item of the current chunk; {@code false} at its end. */
    public boolean nextItem() {
        if (itemPos < 0 || buf[itemPos] == END) {
            return false;
        }
        itemType = buf[itemPos] & 0xFF;
        itemLength = buf[itemPos + 1] & 0xFF;
        itemOffset = itemPos + 2;
        itemPos = itemOffset + itemLength;
        return true;
    }

    public int itemType() {
        return itemType;
    }

    /** Absolute index of the current item's text. */
    public int itemOffset() {
        return itemOffset;
    }

    public int itemLength() {
        return itemLength;
    }

    /** The current item's text decoded as UTF-8 (allocates). */
    public String itemText() {
        return new String(buf, itemOffset, itemLength, StandardCharsets.UTF_8);
    }

    /** The CNAME of the chunk for {@code ssrc}, or {@code null}; rewinds (allocates). */
    public String cname(int ssrc) {
        rewind();
        while (nextChunk()) {
            if (chunkSsrc == ssrc) {
                while (nextItem()) {
                    if (itemType == CNAME) {
                        return itemText();
                    }
                }
            }
        }
        return null;
    }

    /** Writes a single-chunk SDES carrying one CNAME; see {@link #write(byte[], int, int, List)}. */
    public static int writeCname(byte[] buf, int off, int capacity, int ssrc, String cname) {
        return write(buf, off, capacity, List.of(new Chunk(ssrc, List.of(new Item(CNAME, cname)))));
    }

    /**
     * Writes an SDES packet.
     *
     * @return the packet length, or -1 when it does not fit in {@code buf[off, off+capacity)}
     * @throws IllegalArgumentException with more than 31 chunks, an item type of 0 or above 255,
     *     or a text longer than 255 UTF-8 bytes
     */
    public static int write(byte[] buf, int off, int capacity, List<Chunk> chunks) {
        if (chunks.size() > RtcpHeader.MAX_COUNT) {
            throw new IllegalArgumentException("at most 31 SDES chunks, got " + chunks.size());
        }
        int total = RtcpHeader.HEADER_LENGTH;
        for (Chunk chunk : chunks) {
            int size = 4;
            for (Item item : chunk.items()) {
                size += 2 + textBytes(item).length;
            }
            total += (size + 1 + 3) & ~3;
        }
        if (total > capacity || !Bytes.inBounds(buf, off, total)) {
            return -1;
        }
        RtcpHeader.write(buf, off, chunks.size(), RtcpHeader.SDES, total);
        int pos = off + RtcpHeader.HEADER_LENGTH;
        for (Chunk chunk : chunks) {
            int chunkStart = pos;
            Bytes.put32(buf, pos, chunk.ssrc());
            pos += 4;
            for (Item item : chunk.items()) {
                byte[] text = textBytes(item);
                buf[pos] = (byte) item.type();
                buf[pos + 1] = (byte) text.length;
                System.arraycopy(text, 0, buf, pos + 2, text.length);
                pos += 2 + text.length;
            }
            int chunkEnd = chunkStart + ((pos - chunkStart + 1 + 3) & ~3);
            while (pos < chunkEnd) {
                buf[pos++] = END;
            }
        }
        return total;
    }

    private static byte[] textBytes(Item item) {
        if (item.type() <= END || item.type() > 0xFF) {
            throw new IllegalArgumentException("SDES item type " + item.type() + " outside 1..255");
        }
        byte[] text = item.text().getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_ITEM_LENGTH) {
            throw new IllegalArgumentException("SDES item longer than 255 bytes: " + text.length);
        }
        return text;
    }
}
