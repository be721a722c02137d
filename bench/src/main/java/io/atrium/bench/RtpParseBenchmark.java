package io.atrium.bench;

import io.atrium.webrtc.rtp.AbsSendTimeExtension;
import io.atrium.webrtc.rtp.RtpHeaderExtensionWriter;
import io.atrium.webrtc.rtp.RtpHeaderExtensions;
import io.atrium.webrtc.rtp.RtpPacket;
import io.atrium.webrtc.rtp.SdesValueExtension;
import io.atrium.webrtc.rtp.TransportSequenceExtension;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * <b>What it measures:</b> the RTP header work the SFU does per forwarded packet, on a packet laid
 * out like Chrome's VP8 video: 1200 octets, one-byte header extensions (RFC 8285) abs-send-time
 * (ID 2), transport-wide-cc (ID 3) and mid (ID 4) as in Chrome's default extmap, then a 6-octet VP8
 * payload descriptor and payload.
 *
 * <ul>
 *   <li>{@link #wrap}: {@link RtpPacket#wrap} (validation) and reading the fixed-header fields.</li>
 *   <li>{@link #wrapAndExtensions}: plus iterating the extension block, decoding abs-send-time and
 *       the transport-cc sequence number and matching the mid against the track's mid.</li>
 *   <li>{@link #rewriteInPlace}: plus rewriting SSRC, payload type, sequence number and timestamp
 *       in place for a subscriber, with a new offset every call.</li>
 *   <li>{@link #forward}: what {@code Forwarder.onPacket} does per subscriber: copy the packet into
 *       the subscriber's scratch buffer, then everything {@link #rewriteInPlace} does on the copy.</li>
 * </ul>
 * SRTP protect of the rewritten packet is not included (see {@link SrtpBenchmark}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RtpParseBenchmark {
    static final int PACKET_LENGTH = 1200;
    static final int ABS_SEND_TIME_ID = 2;
    static final int TRANSPORT_CC_ID = 3;
    static final int MID_ID = 4;
    static final String MID = "0";
    static final int SSRC = 0x0BADCAFE;
    static final int SUBSCRIBER_SSRC = 0x5EED5EED;
    static final int VP8_PT = 96;
    static final int SUBSCRIBER_PT = 120;
    /** Chrome's VP8 descriptor with simulcast: X=1 S=1, I L T set, 15-bit PictureID, TL0PICIDX, TID. */
    private static final byte[] VP8_DESCRIPTOR = {(byte) 0x90, (byte) 0xE0, (byte) 0x9A, 0x2B, 0x17, 0x40};

    final byte[] packet = new byte[PACKET_LENGTH];
    final byte[] scratch = new byte[PACKET_LENGTH + 16];
    private final RtpPacket rtp = new RtpPacket();
    private final RtpHeaderExtensions extensions = new RtpHeaderExtensions();
    private int seqOffset;
    private int tsOffset;

    @Setup
    public void setUp() {
        RtpPacket.writeHeader(packet, 0, false, VP8_PT, 0x4D2E, 0x3A8F_1C00, SSRC);
        RtpHeaderExtensionWriter writer = new RtpHeaderExtensionWriter();
        writer.begin(packet, 0, PACKET_LENGTH, false);
        AbsSendTimeExtension.write(packet, writer.reserve(ABS_SEND_TIME_ID, AbsSendTimeExtension.LENGTH), 0x2F_1A3B);
        TransportSequenceExtension.write(packet, writer.reserve(TRANSPORT_CC_ID, TransportSequenceExtension.LENGTH), 0x1C5);
        SdesValueExtension.write(packet, writer.reserve(MID_ID, MID.length()), MID);
        int headerLength = writer.finish();
        if (headerLength != 28) {
            throw new IllegalStateException("unexpected header length " + headerLength);
        }
        System.arraycopy(VP8_DESCRIPTOR, 0, packet, headerLength, VP8_DESCRIPTOR.length);
        int payloadStart = headerLength + VP8_DESCRIPTOR.length;
        System.arraycopy(Fixtures.bytes(PACKET_LENGTH - payloadStart, 5), 0, packet, payloadStart,
                PACKET_LENGTH - payloadStart);
        seqOffset = 0;
        tsOffset = 0;
    }

    /** Validates the packet and reads its fixed header. */
    @Benchmark
    public int wrap() {
        if (!rtp.wrap(packet, 0, PACKET_LENGTH)) {
            return -1;
        }
        return rtp.sequenceNumber() ^ rtp.timestamp() ^ rtp.ssrc() ^ rtp.payloadType() ^ rtp.payloadLength();
    }

    /** Validates the packet and decodes its header extensions. */
    @Benchmark
    public int wrapAndExtensions() {
        if (!rtp.wrap(packet, 0, PACKET_LENGTH)) {
            return -1;
        }
        return readHeader();
    }

    /** Validates, decodes the extensions and rewrites the header in place for a subscriber. */
    @Benchmark
    public int rewriteInPlace() {
        if (!rtp.wrap(packet, 0, PACKET_LENGTH)) {
            return -1;
        }
        return readHeader() ^ rewrite();
    }

    /** Copies the packet into the subscriber's buffer, then validates, decodes and rewrites the copy. */
    @Benchmark
    public int forward() {
        System.arraycopy(packet, 0, scratch, 0, PACKET_LENGTH);
        if (!rtp.wrap(scratch, 0, PACKET_LENGTH)) {
            return -1;
        }
        return readHeader() ^ rewrite();
    }

    /** Fixed-header fields plus abs-send-time, transport-cc seq and whether the mid matched. */
    private int readHeader() {
        int h = rtp.sequenceNumber() ^ rtp.timestamp() ^ rtp.ssrc() ^ rtp.payloadType();
        if (!extensions.wrap(rtp)) {
            return h;
        }
        byte[] buf = extensions.buffer();
        while (extensions.next()) {
            int off = extensions.dataOffset();
            int len = extensions.dataLength();
            switch (extensions.id()) {
                case ABS_SEND_TIME_ID -> h ^= AbsSendTimeExtension.read(buf, off, len);
                case TRANSPORT_CC_ID -> h ^= TransportSequenceExtension.read(buf, off, len) << 8;
                case MID_ID -> h ^= SdesValueExtension.equalsAscii(buf, off, len, MID) ? 1 : 2;
                default -> h ^= 3;
            }
        }
        return h;
    }

    /** The forwarder's per-subscriber header rewrite, with offsets that change every call. */
    private int rewrite() {
        seqOffset = (seqOffset + 1) & 0xFFFF;
        tsOffset += 3000;
        int seq = (rtp.sequenceNumber() + seqOffset) & 0xFFFF;
        int ts = rtp.timestamp() + tsOffset;
        rtp.setSsrc(SUBSCRIBER_SSRC);
        rtp.setPayloadType(SUBSCRIBER_PT);
        rtp.setSequenceNumber(seq);
        rtp.setTimestamp(ts);
        return seq ^ ts;
    }
}
