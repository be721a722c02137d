package io.atrium.server.recording;

import io.atrium.webrtc.rtp.Av1AggregationHeader;
import io.atrium.webrtc.rtp.Av1SequenceHeader;
import io.atrium.webrtc.rtp.FrameSize;
import io.atrium.webrtc.rtp.H264Payload;
import io.atrium.webrtc.rtp.Vp8PayloadDescriptor;
import io.atrium.webrtc.rtp.Vp9PayloadDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;

/**
 * Turns a video track's RTP payloads, in sequence order, back into coded frames: one frame per RTP timestamp,
 * complete only when none of its packets is missing and its first packet starts a frame. A frame with a hole is
 * dropped, and so is everything after it until the next key frame (the decoder would have nothing to predict
 * from); frames before the first key frame are dropped too. Payload formats: VP8 (RFC 7741), VP9 (RFC 9628),
 * H.264 packetization mode 0/1 (RFC 6184: single NAL, STAP-A, FU-A → Annex B), AV1 (AV1 RTP Payload Format →
 * temporal units of OBUs with their size fields, as IVF and WebM carry them).
 */
abstract class VideoDepacketizer {

    /** Receives each complete frame with its RTP timestamp (extended, from the first frame). */
    interface FrameSink {
        void frame(long timestamp, byte[] data, int len) throws IOException;
    }

    private final ByteArrayOutputStream frame = new ByteArrayOutputStream(64 * 1024);
    private long frameTimestamp = Long.MIN_VALUE;
    private boolean inFrame;
    private boolean broken;
    private boolean keyframe;
    private boolean waitingForKeyframe = true;
    private long lastSeq = Long.MIN_VALUE;
    long framesWritten;
    long framesDropped;

    /** The depacketizer for {@code codec}, or a {@link TrackFileException} for a codec it cannot finish. */
    static VideoDepacketizer of(String codec) throws TrackFileException {
        return switch (codec.toUpperCase(Locale.ROOT)) {
            case "VP8" -> new Vp8();
            case "VP9" -> new Vp9();
            case "H264" -> new H264();
            case "AV1" -> new Av1();
            default -> throw new TrackFileException("video codec " + codec + " cannot be finished (VP8, VP9, H264 and AV1 can)");
        };
    }

    /** The IVF fourcc ffmpeg maps to this codec. */
    abstract String fourcc();

    /** The container of the finished file: "webm" or "mp4". */
    abstract String container();

    /** Offset of the codec data after the payload descriptor, or -1 when malformed. */
    abstract int descriptorLength(byte[] buf, int off, int len);

    /** Whether this packet begins a frame. */
    abstract boolean startsFrame(byte[] buf, int off, int len);

    abstract boolean isKeyframe(byte[] buf, int off, int len);

    /** Appends the packet's codec data to the frame. */
    void append(ByteArrayOutputStream out, byte[] buf, int off, int len) throws IOException {
        int d = descriptorLength(buf, off, len);
        out.write(buf, off + d, len - d);
    }

    /** One packet, in extended sequence order (gaps allowed), with its extended RTP timestamp. */
    void packet(long seq, long timestamp, boolean marker, byte[] buf, int off, int len, FrameSink sink) throws IOException {
        boolean gap = lastSeq != Long.MIN_VALUE && seq != lastSeq + 1;
        lastSeq = seq;
        if (inFrame && timestamp != frameTimestamp) {
            end(sink, gap);
        }
        if (!inFrame) {
            if (gap) {
                waitingForKeyframe = true; // whole frames were lost between the last one and this one
            }
            inFrame = true;
            frameTimestamp = timestamp;
            frame.reset();
            keyframe = false;
            broken = !startsFrame(buf, off, len);
        } else if (gap) {
            broken = true;
        }
        if (descriptorLength(buf, off, len) < 0) {
            broken = true;
        } else if (!broken) {
            keyframe |= isKeyframe(buf, off, len);
            try {
                append(frame, buf, off, len);
            } catch (TrackFileException malformed) {
                broken = true;
            }
        }
        if (marker) {
            end(sink, false);
        }
    }

    /** Ends the stream: a frame still open is written if complete. */
    void finish(FrameSink sink) throws IOException {
        if (inFrame) {
            end(sink, false);
        }
    }

    /** Closes the open frame; {@code lostTail}: packets after it are missing, so it may be cut short. */
    private void end(FrameSink sink, boolean lostTail) throws IOException {
        inFrame = false;
        if (broken || lostTail || frame.size() == 0) {
            framesDropped++;
            waitingForKeyframe = true;
            return;
        }
        if (waitingForKeyframe && !keyframe) {
            framesDropped++;
            return;
        }
        waitingForKeyframe = false;
        framesWritten++;
        sink.frame(frameTimestamp, frame.toByteArray(), frame.size());
    }

    private static final class Vp8 extends VideoDepacketizer {
        private final Vp8PayloadDescriptor descriptor = new Vp8PayloadDescriptor();

        @Override
        String fourcc() {
            return "VP80";
        }

        @Override
        String container() {
            return "webm";
        }

        @Override
        int descriptorLength(byte[] buf, int off, int len) {
            return descriptor.wrap(buf, off, len) ? descriptor.descriptorLength() : -1;
        }

        @Override
        boolean startsFrame(byte[] buf, int off, int len) {
            return descriptor.wrap(buf, off, len) && descriptor.startOfPartition() && descriptor.partitionIndex() == 0;
        }

        @Override
        boolean isKeyframe(byte[] buf, int off, int len) {
            return descriptor.wrap(buf, off, len) && descriptor.isKeyframe();
        }
    }

    private static final class Vp9 extends VideoDepacketizer {
        @Override
        String fourcc() {
            return "VP90";
        }

        @Override
        String container() {
            return "webm";
        }

        @Override
        int descriptorLength(byte[] buf, int off, int len) {
            return Vp9PayloadDescriptor.length(buf, off, len);
        }

        @Override
        boolean startsFrame(byte[] buf, int off, int len) {
            return len > 0 && (buf[off] & 0x08) != 0;
        }

        @Override
        boolean isKeyframe(byte[] buf, int off, int len) {
            return Vp9PayloadDescriptor.isKeyframe(buf, off, len);
        }
    }

    private static final class H264 extends VideoDepacketizer {
        private static final byte[] START = {0, 0, 0, 1};

        @Override
        String fourcc() {
            return "H264";
        }

        @Override
        String container() {
            return "mp4";
        }

        @Override
        int descriptorLength(byte[] buf, int off, int len) {
            int type = H264Payload.nalType(buf, off, len);
            if (type <= 0 || type == 25 || type == 26 || type == 27 || type == 29 || type > 29) {
                return -1;
            }
            return type == H264Payload.NAL_FU_A && len < 2 ? -1 : 0;
        }

        @Override
        boolean startsFrame(byte[] buf, int off, int len) {
            // an access unit has no start flag: any packet after the previous one's marker may begin it, but
            // not the middle or end of a fragmented NAL unit
            return H264Payload.nalType(buf, off, len) != H264Payload.NAL_FU_A || (len >= 2 && (buf[off + 1] & 0x80) != 0);
        }

        @Override
        boolean isKeyframe(byte[] buf, int off, int len) {
            return H264Payload.isKeyframe(buf, off, len);
        }

        @Override
        void append(ByteArrayOutputStream out, byte[] buf, int off, int len) throws IOException {
            int type = H264Payload.nalType(buf, off, len);
            if (type == H264Payload.NAL_STAP_A) {
                int pos = off + 1;
                int end = off + len;
                while (pos + 2 <= end) {
                    int size = (buf[pos] & 0xFF) << 8 | (buf[pos + 1] & 0xFF);
                    pos += 2;
                    if (size == 0 || pos + size > end) {
                        throw new TrackFileException("a STAP-A packet has a NAL unit longer than the packet");
                    }
                    out.write(START);
                    out.write(buf, pos, size);
                    pos += size;
                }
            } else if (type == H264Payload.NAL_FU_A) {
                int fu = buf[off + 1] & 0xFF;
                if ((fu & 0x80) != 0) {
                    out.write(START);
                    out.write((buf[off] & 0xE0) | (fu & 0x1F));
                }
                out.write(buf, off + 2, len - 2);
            } else {
                out.write(START);
                out.write(buf, off, len);
            }
        }
    }

    /**
     * AV1: RTP carries OBUs without their size field, split or aggregated over packets, and no temporal delimiters.
     * A file wants each temporal unit as a temporal delimiter then whole OBUs that carry their size: reassemble
     * fragments (Z/Y), drop the delimiters and tile lists a sender should not have sent, add the size fields.
     */
    private static final class Av1 extends VideoDepacketizer {
        private static final byte[] TEMPORAL_DELIMITER = {0x12, 0x00};
        private static final int OBU_TEMPORAL_DELIMITER = 2;
        private static final int OBU_TILE_LIST = 8;
        private final ByteArrayOutputStream obu = new ByteArrayOutputStream(16 * 1024);
        private boolean obuOpen;

        @Override
        String fourcc() {
            return "AV01";
        }

        @Override
        String container() {
            return "webm";
        }

        @Override
        int descriptorLength(byte[] buf, int off, int len) {
            return len >= 2 ? 1 : -1;
        }

        @Override
        boolean startsFrame(byte[] buf, int off, int len) {
            return len >= 2 && !Av1AggregationHeader.continuesObu(buf[off]);
        }

        @Override
        boolean isKeyframe(byte[] buf, int off, int len) {
            return Av1AggregationHeader.isKeyframe(buf, off, len) || Av1SequenceHeader.frameSize(buf, off, len) != FrameSize.NONE;
        }

        @Override
        void append(ByteArrayOutputStream out, byte[] buf, int off, int len) throws IOException {
            byte header = buf[off];
            boolean continues = Av1AggregationHeader.continuesObu(header);
            if (continues && !obuOpen) {
                throw new TrackFileException("an AV1 packet continues an OBU whose start is missing");
            }
            if (out.size() == 0) {
                out.write(TEMPORAL_DELIMITER);
            }
            int w = Av1AggregationHeader.elementCount(header);
            int end = off + len;
            int pos = off + 1;
            for (int i = 1; pos < end; i++) {
                long e = Av1AggregationHeader.element(buf, pos, end, Av1AggregationHeader.isLast(w, i));
                if (e < 0) {
                    throw new TrackFileException("an AV1 OBU element runs past its packet");
                }
                if (i > 1 || !continues) {
                    obu.reset();
                }
                obu.write(buf, Av1AggregationHeader.start(e), Av1AggregationHeader.size(e));
                pos = Av1AggregationHeader.start(e) + Av1AggregationHeader.size(e);
                boolean last = pos >= end || Av1AggregationHeader.isLast(w, i);
                obuOpen = last && Av1AggregationHeader.obuContinues(header);
                if (!obuOpen) {
                    writeObu(out);
                }
                if (last) {
                    break;
                }
            }
        }

        /** The reassembled OBU in {@link #obu}, with its size field. */
        private void writeObu(ByteArrayOutputStream out) throws TrackFileException {
            byte[] o = obu.toByteArray();
            if (o.length == 0) {
                return;
            }
            int type = (o[0] >>> 3) & 0x0F;
            if (type == OBU_TEMPORAL_DELIMITER || type == OBU_TILE_LIST) {
                return;
            }
            if ((o[0] & 0x02) != 0) { // it has its size already
                out.write(o, 0, o.length);
                return;
            }
            int headerLength = (o[0] & 0x04) != 0 ? 2 : 1;
            if (o.length < headerLength) {
                throw new TrackFileException("an AV1 OBU is shorter than its header");
            }
            out.write(o[0] | 0x02);
            out.write(o, 1, headerLength - 1);
            for (int size = o.length - headerLength; ; size >>>= 7) { // LEB128
                if (size < 0x80) {
                    out.write(size);
                    break;
                }
                out.write(size & 0x7F | 0x80);
            }
            out.write(o, headerLength, o.length - headerLength);
        }
    }
}
