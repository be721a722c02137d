package io.atrium.server.sfu;

import io.atrium.server.transport.MediaSink;
import io.atrium.server.transport.PeerStats;
import io.atrium.webrtc.rtp.RtpPacket;
import io.atrium.webrtc.srtp.SrtpContext;
import io.atrium.webrtc.srtp.SrtpProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/*
 * One operation = one decrypted 1200-byte VP8 RTP packet from a publisher through the SFU's whole
 * forward path to `subscribers` subscribers: SSRC routing, sequence/NACK bookkeeping, packet cache,
 * keyframe check, then per subscriber the copy, rewrite (SSRC, PT, seq, ts, VP8 picture id,
 * extensions blanked) and SRTP protect with that subscriber's key. Only the socket write is left
 * out (the sink drops the encrypted packet). Forwarded packets per second = ops/s × subscribers.
 * With `temporal`, the packets carry Chrome's VP8 L1T3 descriptor (picture id, TL0PICIDX, TID 0 2 1 2) and every
 * subscriber gets TL0+TL1 only: the TL2 half is dropped and the rest rewritten gapless.
 * Lives in io.atrium.server.sfu to reach the package-private SFU classes, as its unit test does.
 */
@State(Scope.Thread)
@Fork(jvmArgsAppend = "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED") // GCM as the server runs it
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ForwardPathBenchmark {

    @Param({"1", "10"})
    public int subscribers;

    @Param({"SRTP_AEAD_AES_128_GCM", "SRTP_AES128_CM_HMAC_SHA1_80"})
    public String profile;

    /** The room is recorded: the track's packets are also copied to a recorder's tap (docs/RECORDING.md). */
    @Param({"false", "true"})
    public boolean recorded;

    /** VP8 temporal layers: every subscriber limited to TL0+TL1 (half the packets dropped). */
    @Param({"false", "true"})
    public boolean temporal;

    private static final int[] L1T3 = {0, 2, 1, 2};

    private io.atrium.server.recording.Recorder recorder;
    private io.atrium.server.recording.TrackTap tap;

    /**
     * Not a JMH parameter: {@link ColdForwardRun}'s switch to leave the subscribers' SRTP protect out (the sinks only
     * count), so that its share of a cold packet can be told from the forwarder's.
     */
    public boolean plain;

    private Publisher publisher;
    private final List<EncryptingSink> sinks = new ArrayList<>();
    private final byte[] packet = new byte[1200 + 64];
    private int seq;
    private long sent;

    /** Encrypts like a real peer (unless {@code plain}) and drops the result. */
    private static final class EncryptingSink implements MediaSink {
        private final SrtpContext srtp;
        /** Packets protected (plain: handed over). */
        long count;

        EncryptingSink(SrtpProfile profile, boolean plain) {
            srtp = plain ? null : new SrtpContext(profile, new byte[16], new byte[profile.masterSaltLength()]);
        }

        @Override
        public String id() {
            return "bench";
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            count += srtp == null || srtp.protectRtp(buf, off, len) > 0 ? 1 : 0;
            return true;
        }

        @Override
        public boolean sendRtcp(byte[] buf, int off, int len) {
            return true;
        }

        @Override
        public PeerStats stats() {
            return new PeerStats();
        }
    }

    @Setup
    public void setUp() {
        SrtpProfile p = SrtpProfile.valueOf(profile);
        TrackInfo video = new TrackInfo("t", MediaKind.VIDEO, "1", "VP8", 90000, 96, 97, List.of(), List.of(0x1234L),
                List.of(0L), 0, 0, 0, 0, 0);
        publisher = new Publisher(new EncryptingSink(p, plain), List.of(video), 1, MediaLimits.defaults().maxPublishBitrate());
        Receiver receiver = publisher.receivers().get(0);
        for (int i = 0; i < subscribers; i++) {
            EncryptingSink sink = new EncryptingSink(p, plain);
            sinks.add(sink);
            Subscriber s = new Subscriber(sink);
            Forwarder f = new Forwarder(receiver, s, 100 + i, 96, 200 + i, 97, "bench");
            s.addForwarder(f);
            if (temporal) {
                f.allocate(0, 1, 1_000_000L);
            }
        }
        packet[12] = 0x10;
        if (recorded) {
            // the writer thread drains every 20 ms into a file that discards; 8192 slots hold what a core forwards meanwhile
            recorder = new io.atrium.server.recording.Recorder(path -> java.io.OutputStream.nullOutputStream());
            tap = recorder.open(new io.atrium.server.recording.TrackFile.Header("video", "VP8", 90000, 96, "t", "p", 0), 8192,
                    java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "atrium-bench.atrk"), e -> { });
            receiver.tap(tap, r -> tap);
        }
    }

    @org.openjdk.jmh.annotations.TearDown
    public void tearDown() {
        if (recorder != null) {
            if (tap.failure() != null) {
                throw new IllegalStateException("the recorder fell behind; this run does not measure recording: " + tap.failure());
            }
            recorder.close();
        }
    }

    /** Packets the subscribers' sinks protected successfully so far (plain: were handed): what was really forwarded. */
    public long protectedPackets() {
        return sinks.stream().mapToLong(sink -> sink.count).sum();
    }

    @Benchmark
    public long forward() {
        int n = seq++;
        RtpPacket.writeHeader(packet, 0, false, 96, n & 0xFFFF, n * 3000, 0x1234);
        if (temporal) {
            int tid = L1T3[n % 4];
            packet[12] = (byte) 0x90;
            packet[13] = (byte) 0xE0;
            packet[14] = (byte) (0x80 | (n >> 8) & 0x7F);
            packet[15] = (byte) n;
            packet[16] = (byte) (n / 4);
            packet[17] = (byte) (tid << 6 | (tid == 1 ? 0x20 : 0));
            packet[18] = (byte) (n % 100 == 0 ? 0x00 : 0x01); // a keyframe every 100 packets
        } else {
            packet[12] = 0x10;
            packet[13] = (byte) (n % 100 == 0 ? 0x00 : 0x01);
        }
        publisher.onRtp(packet, 0, 1200, 1_000_000L + n);
        return ++sent;
    }
}
