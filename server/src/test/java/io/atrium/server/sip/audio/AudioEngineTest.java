package io.atrium.server.sip.audio;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.Goertzel;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The room-agnostic audio engine on its own (no network): G.711 tables, 8k↔48k resampling, mix-minus
 * across G.711 and Opus legs checked by tone content, RFC 4733 DTMF both ways, and no allocation per
 * frame once warm.
 */
class AudioEngineTest {

    static final int PCMU = 0;
    static final int OPUS = 111;
    static final int DTMF = 101;

    /** A phone feeding a tone into a leg and keeping what the leg sends back, decoded. */
    static final class Phone implements AudioLeg.Sink {
        AudioCodec sendCodec;
        AudioCodec receiveCodec;
        /** The payload type it sends, and the one it expects back (they differ when its peer chose them). */
        int pt;
        int expectPt;
        final double frequency;
        final List<byte[]> sent = new ArrayList<>();
        final List<byte[]> reports = new ArrayList<>();
        final short[] heard = new short[48000 * 2];
        int heardSamples;
        int seq;
        long t;
        AudioLeg leg;

        Phone(boolean opus, double frequency) {
            this.sendCodec = opus ? new OpusCodec(32000, 5) : new G711Codec(true);
            this.receiveCodec = opus ? new OpusCodec(32000, 5) : new G711Codec(true);
            this.pt = opus ? OPUS : PCMU;
            this.expectPt = pt;
            this.frequency = frequency;
        }

        void speak() {
            if (frequency == 0) {
                return;
            }
            short[] pcm = new short[AudioCodec.FRAME];
            for (int i = 0; i < pcm.length; i++, t++) {
                pcm[i] = (short) (6000 * Math.sin(2 * Math.PI * frequency * t / 48000));
            }
            byte[] packet = new byte[12 + 1500];
            int len = sendCodec.encode(pcm, packet, 12);
            packet[0] = (byte) 0x80;
            packet[1] = (byte) pt;
            packet[2] = (byte) (seq >> 8);
            packet[3] = (byte) seq++;
            leg.receiveRtp(packet, 0, 12 + len);
        }

        @Override
        public void send(byte[] packet, int length) {
            sent.add(java.util.Arrays.copyOf(packet, length));
            if ((packet[1] & 0x7f) == expectPt && heardSamples + AudioCodec.FRAME <= heard.length) {
                short[] pcm = new short[AudioCodec.FRAME];
                receiveCodec.decode(packet, 12, length - 12, pcm);
                System.arraycopy(pcm, 0, heard, heardSamples, pcm.length);
                heardSamples += pcm.length;
            }
        }

        @Override
        public void sendRtcp(byte[] packet, int length) {
            reports.add(java.util.Arrays.copyOf(packet, length));
        }

        /** Power of {@code f} in the last second heard. */
        double heard(double f) {
            int n = Math.min(heardSamples, 48000);
            short[] tail = java.util.Arrays.copyOfRange(heard, heardSamples - n, heardSamples);
            return Goertzel.power(tail, n, 48000, f);
        }
    }

    static AudioLeg leg(Phone p, List<Character> digits) {
        p.leg = new AudioLeg(p.pt == OPUS ? new OpusCodec(32000, 5) : new G711Codec(true), p.pt, DTMF, p,
                (leg, d) -> digits.add(d));
        return p.leg;
    }

    @Test
    void g711TablesMatchTheStandardAndRoundTrip() {
        assertThat(G711.encodeUlaw((short) 0)).isEqualTo((byte) 0xff);
        assertThat(G711.encodeAlaw((short) 0)).isEqualTo((byte) 0xd5);
        assertThat(G711.decodeUlaw((byte) 0x00)).isEqualTo((short) -32124);
        assertThat(G711.decodeAlaw((byte) 0x55)).isEqualTo((short) -8);
        for (int s = -32768; s <= 32767; s += 97) {
            int tolerance = Math.max(16, Math.abs(s) / 16);
            assertThat((int) G711.decodeUlaw(G711.encodeUlaw((short) s))).isCloseTo(s, org.assertj.core.data.Offset.offset(tolerance));
            assertThat((int) G711.decodeAlaw(G711.encodeAlaw((short) s))).isCloseTo(s, org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    @Test
    void resamplingKeepsATone() {
        Resampler up = new Resampler();
        Resampler down = new Resampler();
        short[] narrow = new short[8000];
        for (int i = 0; i < narrow.length; i++) {
            narrow[i] = (short) (8000 * Math.sin(2 * Math.PI * 1000 * i / 8000));
        }
        short[] wide = new short[48000];
        up.up(narrow, 8000, wide);
        assertThat(Goertzel.power(wide, 48000, 48000, 1000)).isGreaterThan(0.8);
        assertThat(Goertzel.power(wide, 48000, 48000, 7000)).isLessThan(0.01); // no imaging
        short[] back = new short[8000];
        down.down(wide, 48000, back);
        assertThat(Goertzel.power(back, 8000, 8000, 1000)).isGreaterThan(0.8);
    }

    @Test
    void everyLegHearsEveryoneButItselfAcrossG711AndOpus() {
        Phone a = new Phone(false, 1000);
        Phone b = new Phone(false, 440);
        Phone c = new Phone(true, 0);
        Phone d = new Phone(true, 700);
        AudioEngine engine = new AudioEngine();
        List<Character> digits = new ArrayList<>();
        for (Phone p : List.of(a, b, c, d)) {
            engine.add(leg(p, digits));
        }
        for (int frame = 0; frame < 100; frame++) {
            a.speak();
            b.speak();
            d.speak();
            engine.tick();
        }
        assertThat(a.heard(1000)).as("a hears itself").isLessThan(0.02);
        assertThat(a.heard(440)).isGreaterThan(0.2);
        assertThat(a.heard(700)).isGreaterThan(0.2);
        assertThat(b.heard(440)).as("b hears itself").isLessThan(0.02);
        assertThat(b.heard(1000)).isGreaterThan(0.2);
        assertThat(c.heard(1000)).isGreaterThan(0.1);
        assertThat(c.heard(440)).isGreaterThan(0.1);
        assertThat(c.heard(700)).isGreaterThan(0.1);
        assertThat(d.heard(700)).as("d hears itself").isLessThan(0.02);
        assertThat(d.heard(1000)).isGreaterThan(0.2);
    }

    @Test
    void aNewFormatChangesPayloadTypesAndCodecAndHoldStopsSending() {
        Phone a = new Phone(true, 1000);
        Phone b = new Phone(false, 440);
        AudioEngine engine = new AudioEngine();
        List<Character> digits = new ArrayList<>();
        engine.add(leg(a, digits));
        engine.add(leg(b, digits));
        // a converted call: a sends with its old peer's Opus number and expects its own
        a.leg.format(a.leg.codec(), 96, -1, 110, -1);
        a.pt = 96;
        a.expectPt = 110;
        for (int frame = 0; frame < 100; frame++) {
            a.speak();
            b.speak();
            engine.tick();
        }
        assertThat(b.heard(1000)).as("a's packets of type 96 decoded").isGreaterThan(0.2);
        assertThat(a.heard(440)).as("a got b as type 110").isGreaterThan(0.2);
        assertThat(a.sent).allSatisfy(x -> assertThat(x[1] & 0x7f).isEqualTo(110));

        // b re-INVITEs from PCMU to PCMA
        b.leg.format(new G711Codec(false), 8, -1, 8, -1);
        b.sendCodec = new G711Codec(false);
        b.receiveCodec = new G711Codec(false);
        b.pt = 8;
        b.expectPt = 8;
        b.heardSamples = 0;
        a.heardSamples = 0;
        for (int frame = 0; frame < 100; frame++) {
            a.speak();
            b.speak();
            engine.tick();
        }
        assertThat(b.heard(1000)).as("b decodes A-law").isGreaterThan(0.2);
        assertThat(a.heardSamples).isEqualTo(100 * AudioCodec.FRAME);
        assertThat(a.heard(440)).as("b's A-law decoded").isGreaterThan(0.2);

        // a holds: nothing goes to it, the others still hear it; then it resumes
        a.leg.held(true);
        int sent = a.sent.size();
        b.heardSamples = 0;
        for (int frame = 0; frame < 50; frame++) {
            a.speak();
            engine.tick();
        }
        assertThat(a.sent).as("nothing sent to a phone on hold").hasSize(sent);
        assertThat(b.heard(1000)).isGreaterThan(0.2);
        a.leg.held(false);
        engine.tick();
        assertThat(a.sent).hasSize(sent + 1);
    }

    /**
     * Engines share one frame clock of as many threads as cores: more engines than that, started together, all get
     * their 20 ms frames, on no more threads than cores (an engine used to start a thread of its own), and a closed
     * engine gets no more frames.
     */
    @Test
    void manyEnginesTickOnAFewSharedThreads() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        Set<Long> threads = ConcurrentHashMap.newKeySet();
        List<AudioEngine> engines = new ArrayList<>();
        List<AtomicInteger> frames = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * cores + 1; i++) {
                AtomicInteger count = new AtomicInteger();
                AudioEngine engine = new AudioEngine();
                engine.add(new AudioLeg(new G711Codec(true), PCMU, -1, (packet, length) -> {
                    threads.add(Thread.currentThread().getId());
                    count.incrementAndGet();
                }, null));
                engines.add(engine.start());
                frames.add(count);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (frames.stream().anyMatch(c -> c.get() < 25) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(frames).as("every engine gets frames").allSatisfy(c -> assertThat(c.get()).isGreaterThanOrEqualTo(25));
            assertThat(threads).as("ticked by the shared clock's threads").hasSizeLessThanOrEqualTo(cores);
            AudioEngine closed = engines.get(0);
            closed.close();
            int after = frames.get(0).get();
            AtomicInteger other = frames.get(1);
            int otherNow = other.get();
            while (other.get() < otherNow + 10 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(other.get()).as("the others go on").isGreaterThanOrEqualTo(otherNow + 10);
            assertThat(frames.get(0).get()).as("the closed engine stopped (one frame under way may end)").isLessThanOrEqualTo(after + 1);
        } finally {
            engines.forEach(AudioEngine::close);
        }
    }

    @Test
    void dtmfBothWays() {
        Phone a = new Phone(false, 0);
        List<Character> digits = new ArrayList<>();
        AudioLeg leg = leg(a, digits);
        byte[] p = new byte[16];
        p[0] = (byte) 0x80;
        p[1] = (byte) DTMF;
        p[7] = 42; // timestamp of the event
        for (int i = 0; i < 6; i++) { // three progress packets, then the end packet three times
            Dtmf.write('#', i >= 3, 160 * (i + 1), p, 12);
            p[3] = (byte) i;
            leg.receiveRtp(p, 0, 16);
        }
        assertThat(digits).containsExactly('#');

        AudioEngine engine = new AudioEngine();
        engine.add(leg);
        assertThat(leg.sendDigits("5#")).isTrue();
        for (int i = 0; i < 2 * (AudioLeg.DIGIT_FRAMES + 3) + AudioLeg.DIGIT_GAP_FRAMES + 2; i++) {
            engine.tick();
        }
        List<byte[]> events = a.sent.stream().filter(x -> (x[1] & 0x7f) == DTMF).toList();
        assertThat(events).hasSize(2 * (AudioLeg.DIGIT_FRAMES + 3));
        List<byte[]> five = events.subList(0, AudioLeg.DIGIT_FRAMES + 3);
        List<byte[]> hash = events.subList(AudioLeg.DIGIT_FRAMES + 3, events.size());
        assertThat(five.get(0)[1] & 0x80).as("marker on the first").isNotZero();
        assertThat(five).allSatisfy(e -> assertThat(e[12]).isEqualTo((byte) 5));
        assertThat(five.subList(AudioLeg.DIGIT_FRAMES, five.size())).allSatisfy(e -> assertThat(e[13] & 0x80).isNotZero());
        assertThat(hash).allSatisfy(e -> assertThat(e[12]).isEqualTo((byte) 11));
        assertThat(hash.get(0)[1] & 0x80).as("the second digit is a new event").isNotZero();
        assertThat(java.util.Arrays.copyOfRange(hash.get(0), 4, 8)).as("with its own timestamp")
                .isNotEqualTo(java.util.Arrays.copyOfRange(five.get(0), 4, 8));
        int last = a.sent.indexOf(five.get(five.size() - 1));
        assertThat(a.sent.subList(last + 1, a.sent.indexOf(hash.get(0))))
                .as("a pause of audio between two digits").hasSize(AudioLeg.DIGIT_GAP_FRAMES)
                .allSatisfy(x -> assertThat(x[1] & 0x7f).isEqualTo(PCMU));
        assertThat(leg.sendDigits("1".repeat(AudioLeg.MAX_PENDING_DIGITS + 1))).as("a bounded queue").isFalse();
    }

    @Test
    void senderReportsToThePhoneAndTheRoundTripFromItsEcho() {
        Phone a = new Phone(false, 0);
        AudioLeg leg = leg(a, new ArrayList<>());
        AudioEngine engine = new AudioEngine();
        engine.add(leg);
        for (int i = 0; i < AudioLeg.FIRST_REPORT_FRAMES; i++) {
            engine.tick();
        }
        assertThat(a.reports).as("the first sender report after a second").hasSize(1);
        ByteBuffer sr = ByteBuffer.wrap(a.reports.get(0));
        assertThat(sr.getInt(0)).isEqualTo(0x80c80006);
        int ssrc = ByteBuffer.wrap(a.sent.get(0)).getInt(8);
        assertThat(sr.getInt(4)).as("about the stream it sends").isEqualTo(ssrc);
        long ntpSeconds = sr.getInt(8) & 0xffffffffL;
        assertThat(ntpSeconds - 2_208_988_800L).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(2L));
        assertThat(sr.getInt(20)).as("packets sent").isEqualTo(AudioLeg.FIRST_REPORT_FRAMES);
        assertThat(sr.getInt(24)).as("payload octets sent").isEqualTo(AudioLeg.FIRST_REPORT_FRAMES * 160);
        for (int i = 0; i < AudioLeg.REPORT_FRAMES; i++) {
            engine.tick();
        }
        assertThat(a.reports).as("then every 5 s").hasSize(2);

        assertThat(leg.rttMillis()).isEqualTo(-1);
        long lsr = ((ntpSeconds & 0xffff) << 16) | ((sr.getInt(12) & 0xffffffffL) >>> 16);
        assertThat(lsr).as("LSR is the report's middle NTP bits").isCloseTo(AudioLeg.ntpMiddle(System.currentTimeMillis()),
                org.assertj.core.data.Offset.offset(2 * 65536L));
        // a phone echoes a report Atrium sent 700 ms ago, which it held 200 ms: the round trip is 500 ms
        ByteBuffer rr = ByteBuffer.allocate(32).putInt(0x81c90007).putInt(0x5eed).putInt(ssrc).putInt(0).putInt(0).putInt(0)
                .putInt((int) AudioLeg.ntpMiddle(System.currentTimeMillis() - 700)).putInt(200 * 65536 / 1000);
        leg.receiveRtcp(rr.array(), 0, 32);
        assertThat(leg.rttMillis()).as("arrival - LSR - DLSR").isBetween(495, 560);
        ByteBuffer noEcho = ByteBuffer.allocate(32).putInt(0x81c90007).putInt(0x5eed).putInt(ssrc);
        leg.receiveRtcp(noEcho.array(), 0, 32);
        assertThat(leg.rttMillis()).as("a report without LSR keeps the last round trip").isBetween(495, 560);
    }

    @Test
    void aWarmG711FrameAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        AudioEngine engine = new AudioEngine();
        byte[][] packets = new byte[8][12 + 160];
        AudioLeg[] legs = new AudioLeg[8];
        for (int i = 0; i < legs.length; i++) {
            legs[i] = new AudioLeg(new G711Codec(true), PCMU, DTMF, (packet, length) -> { }, null);
            engine.add(legs[i]);
            packets[i][0] = (byte) 0x80;
        }
        for (int frame = 0; frame < 2000; frame++) {
            for (int i = 0; i < legs.length; i++) {
                packets[i][2] = (byte) (frame >> 8);
                packets[i][3] = (byte) frame;
                legs[i].receiveRtp(packets[i], 0, packets[i].length);
            }
            if (frame == 1000) {
                long before = threads.getCurrentThreadAllocatedBytes();
                engine.tick();
                assertThat(threads.getCurrentThreadAllocatedBytes() - before).isZero();
            } else {
                engine.tick();
            }
        }
    }
}
