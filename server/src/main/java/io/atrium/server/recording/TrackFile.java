package io.atrium.server.recording;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Atrium's per-track recording file ({@code .atrk}), written as packets arrive and read back when the
 * recording is finished (docs/RECORDING.md). Big-endian, in the spirit of Janus's {@code .mjr}:
 *
 * <pre>
 *  header:  "ATRK" | u8 version (1) | UTF kind ("audio"/"video") | UTF codec ("VP8", "opus", ...)
 *           | u32 clock rate | u8 payload type | UTF track id | UTF publisher id | i64 start (epoch ms)
 *  record:  u32 arrival (ms after start) | u16 length | length bytes of RTP (header + payload, in the clear)
 * </pre>
 *
 * ({@code UTF} is {@link java.io.DataOutput#writeUTF}: u16 length + modified UTF-8.) Records are appended as
 * they arrive and never rewritten, so a file cut anywhere — a killed server, a full disk — is readable up to
 * its last whole record; the reader stops there and says how many bytes it left.
 */
public final class TrackFile {

    static final int MAGIC = 0x4154524B; // "ATRK"
    static final int VERSION = 1;
    /** Longest RTP packet kept; longer ones are not valid on the wire Atrium receives (MTU). */
    public static final int MAX_PACKET = 1500;
    /** What a record adds to its packet: the arrival (u32) and the length (u16). */
    public static final int RECORD_OVERHEAD = 6;
    static final int MIN_RTP = 12;

    private TrackFile() {
    }

    /** What a file records: the track's codec and identity, and the wall time its first record counts from. */
    public record Header(String kind, String codec, int clockRate, int payloadType, String trackId, String publisherId,
                         long startEpochMillis) {
        void write(DataOutputStream out) throws IOException {
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            out.writeUTF(kind);
            out.writeUTF(codec);
            out.writeInt(clockRate);
            out.writeByte(payloadType);
            out.writeUTF(trackId);
            out.writeUTF(publisherId);
            out.writeLong(startEpochMillis);
        }
    }

    /** Appends records; the caller buffers {@code out} and flushes it. */
    public static final class Writer implements AutoCloseable {
        private final DataOutputStream out;
        private final long start;

        public Writer(OutputStream out, Header header) throws IOException {
            this.out = new DataOutputStream(out);
            this.start = header.startEpochMillis();
            header.write(this.out);
        }

        public void append(long arrivalEpochMillis, byte[] buf, int off, int len) throws IOException {
            out.writeInt((int) Math.max(0, arrivalEpochMillis - start));
            out.writeShort(len);
            out.write(buf, off, len);
        }

        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /**
     * Reads a file front to back. A bad header is a {@link TrackFileException}; a record cut short at the end
     * ends the file ({@link #truncatedBytes()} says how much was left); a record whose length is impossible
     * also ends it (what follows cannot be framed) and counts as truncated.
     */
    public static final class Reader implements AutoCloseable {
        private final DataInputStream in;
        private final Header header;
        private final byte[] packet = new byte[MAX_PACKET];
        private final byte[] fixed = new byte[5];
        private int length;
        private long arrival;
        private long truncated;

        public Reader(InputStream in) throws IOException {
            this.in = new DataInputStream(in);
            try {
                if (this.in.readInt() != MAGIC) {
                    throw new TrackFileException("not an Atrium track file (no ATRK magic)");
                }
                int version = this.in.readUnsignedByte();
                if (version != VERSION) {
                    throw new TrackFileException("track file version " + version + " is not supported (only " + VERSION + ")");
                }
                String kind = this.in.readUTF();
                if (!kind.equals("audio") && !kind.equals("video")) {
                    throw new TrackFileException("track kind must be audio or video, not '" + kind + "'");
                }
                String codec = this.in.readUTF();
                int clockRate = this.in.readInt();
                if (clockRate <= 0 || clockRate > 1_000_000) {
                    throw new TrackFileException("clock rate " + Integer.toUnsignedString(clockRate) + " is out of range");
                }
                int pt = this.in.readUnsignedByte();
                header = new Header(kind, codec, clockRate, pt, this.in.readUTF(), this.in.readUTF(), this.in.readLong());
            } catch (EOFException | java.io.UTFDataFormatException e) {
                throw new TrackFileException("the track file header is cut short or garbled", e);
            }
        }

        public Header header() {
            return header;
        }

        /** Moves to the next record; false at the end (or at a cut or garbled tail). */
        public boolean next() throws IOException {
            int first = in.read();
            if (first < 0) {
                return false;
            }
            int got = in.readNBytes(fixed, 0, 5);
            if (got < 5) {
                truncated += 1 + got;
                return false;
            }
            arrival = ((long) first << 24 | (fixed[0] & 0xFF) << 16 | (fixed[1] & 0xFF) << 8 | (fixed[2] & 0xFF)) & 0xFFFFFFFFL;
            int len = (fixed[3] & 0xFF) << 8 | (fixed[4] & 0xFF);
            if (len < MIN_RTP || len > MAX_PACKET) {
                truncated += 6 + in.transferTo(OutputStream.nullOutputStream());
                return false;
            }
            int body = in.readNBytes(packet, 0, len);
            if (body < len) {
                truncated += 6 + body;
                return false;
            }
            length = len;
            return true;
        }

        /** Milliseconds after the header's start at which the current packet arrived. */
        public long arrivalMillis() {
            return arrival;
        }

        /** The current packet's bytes, valid until {@link #next()}. */
        public byte[] packet() {
            return packet;
        }

        public int length() {
            return length;
        }

        /** Bytes after the last whole record. */
        public long truncatedBytes() {
            return truncated;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
