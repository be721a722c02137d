package io.atrium.bench;

import io.atrium.server.sip.audio.AudioCodec;
import io.atrium.server.sip.audio.AudioEngine;
import io.atrium.server.sip.audio.AudioLeg;
import io.atrium.server.sip.audio.G711Codec;
import io.atrium.server.sip.audio.OpusCodec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One 20 ms frame of the SIP audio bridge (docs/PERFORMANCE.md, "SIP audio"): a room with 10
 * WebRTC-like Opus speakers (each decoded once; they only speak here, the room side's encode is
 * not a SIP cost) and {@code legs} phone legs of {@code codec} that all speak and listen: every
 * input decoded once, one sum, then per leg mix-minus, encode and RTP packetisation. One op = one
 * frame; CPU per leg is the slope between two leg counts, legs per core = 20 ms / that slope.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SipMixBenchmark {

    static final int SPEAKERS = 10;

    @Param({"0", "50", "100"})
    public int legs;

    @Param({"pcmu", "opus"})
    public String codec;

    /**
     * How the phone legs are bridged into a room (docs/SIP.md): {@code none} (the engine alone),
     * {@code speaking} (every leg's voice also re-encoded as Opus for the room, as when all talk at once),
     * {@code silent} (legs send digital silence: their voice goes out as a constant Opus silence frame).
     */
    @Param({"none", "speaking", "silent"})
    public String bridge = "none";

    private AudioEngine engine;
    private AudioLeg[] inputs;
    private byte[][] packets;
    private int[] lengths;
    private int seq;

    @Setup(Level.Trial)
    public void setUp() {
        engine = new AudioEngine();
        int n = SPEAKERS + legs;
        inputs = new AudioLeg[n];
        packets = new byte[n][];
        lengths = new int[n];
        AudioLeg.Sink discard = (packet, length) -> { };
        for (int i = 0; i < n; i++) {
            boolean opus = i < SPEAKERS || codec.equals("opus");
            int pt = opus ? 111 : 0;
            inputs[i] = new AudioLeg(opus ? new OpusCodec(32000, 5) : new G711Codec(true), pt, 101,
                    i < SPEAKERS ? null : discard, null);
            if (i >= SPEAKERS && !bridge.equals("none")) {
                inputs[i].voice(new OpusCodec(32000, 5), 111, 1, discard);
            }
            engine.add(inputs[i]);
            // a 20 ms frame of a distinct tone, encoded once with this leg's codec
            AudioCodec enc = opus ? new OpusCodec(32000, 5) : new G711Codec(true);
            short[] pcm = new short[AudioCodec.FRAME];
            for (int s = 0; s < pcm.length; s++) {
                pcm[s] = i >= SPEAKERS && bridge.equals("silent") ? 0
                        : (short) (3000 * Math.sin(2 * Math.PI * (200 + 37 * i) * s / 48000.0));
            }
            byte[] p = new byte[12 + 1500];
            lengths[i] = 12 + enc.encode(pcm, p, 12);
            p[0] = (byte) 0x80;
            p[1] = (byte) pt;
            packets[i] = p;
        }
    }

    @Benchmark
    public void frame() {
        int s = seq++;
        for (int i = 0; i < inputs.length; i++) {
            byte[] p = packets[i];
            p[2] = (byte) (s >> 8);
            p[3] = (byte) s;
            inputs[i].receiveRtp(p, 0, lengths[i]);
        }
        engine.tick();
    }
}
