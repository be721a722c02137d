package io.atrium.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.rtp.RtpPacket;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Reordering and gap handling of finishing, as a table over a VP8 track of 10 frames of 2 packets each, a key
 * frame every 5: what arrives (all, reordered, duplicated, a lost packet, starting mid-stream) → frames kept and
 * dropped. A frame with a hole is dropped and so is every frame until the next key frame.
 */
class FinisherTest {

    record Case(String name, UnaryOperator<List<byte[]>> arrival, long frames, long framesDropped, long lateOrDuplicate) {
    }

    static byte[] packet(int seq) {
        int frame = seq / 2;
        boolean first = seq % 2 == 0;
        byte[] p = new byte[12 + 1 + 10];
        RtpPacket.writeHeader(p, 0, !first, 96, seq, frame * 3000, 0x1234);
        p[12] = (byte) (first ? 0x10 : 0x00); // S bit on the first packet, partition 0
        p[13] = (byte) (first && frame % 5 == 0 ? 0x00 : 0x01); // VP8 key frame flag (P = 0)
        return p;
    }

    static List<byte[]> stream() {
        List<byte[]> packets = new ArrayList<>();
        for (int seq = 0; seq < 20; seq++) {
            packets.add(packet(seq));
        }
        return packets;
    }

    static final Case[] CASES = {
        new Case("all in order", p -> p, 10, 0, 0),
        new Case("two packets swapped", p -> {
            p.add(5, p.remove(7));
            return p;
        }, 10, 0, 0),
        new Case("a duplicate", p -> {
            p.add(4, p.get(3).clone());
            return p;
        }, 10, 0, 1),
        new Case("the second packet of frame 2 lost: frames 2-4 dropped", p -> {
            p.remove(5);
            return p;
        }, 7, 3, 0),
        new Case("the first packet of frame 6 lost: frames 6-9 dropped", p -> {
            p.remove(12);
            return p;
        }, 6, 4, 0),
        new Case("both packets of frame 2 lost: frames 3-4 wait for the key frame", p -> {
            p.remove(5);
            p.remove(4);
            return p;
        }, 7, 2, 0),
        new Case("joined at frame 1: frames 1-4 wait for the key frame", p -> new ArrayList<>(p.subList(2, 20)), 5, 4, 0),
    };

    @Test
    void gapsReorderingAndDuplicates() throws IOException {
        for (Case c : CASES) {
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            try (TrackFile.Writer w = new TrackFile.Writer(file, new TrackFile.Header("video", "VP8", 90000, 96, "cam", "p", 0))) {
                int i = 0;
                for (byte[] p : c.arrival().apply(stream())) {
                    w.append(i++ * 10L, p, 0, p.length);
                }
            }
            ByteArrayOutputStream ivf = new ByteArrayOutputStream();
            Finisher.Rebuilt r = Finisher.rebuild(new TrackFile.Reader(new ByteArrayInputStream(file.toByteArray())), ivf);
            assertThat(r.frames()).as(c.name() + ": frames").isEqualTo(c.frames());
            assertThat(r.framesDropped()).as(c.name() + ": dropped").isEqualTo(c.framesDropped());
            assertThat(r.lateOrDuplicate()).as(c.name() + ": late or duplicate").isEqualTo(c.lateOrDuplicate());
            assertThat(r.container()).isEqualTo("webm");
            // IVF: a 32-byte header, then per frame 12 bytes and the VP8 data of its 2 packets (10 bytes each)
            assertThat(ivf.size()).as(c.name() + ": IVF size").isEqualTo(32 + (int) c.frames() * (12 + 2 * 10));
        }
    }

    @Test
    void framesUnderOneTimestampAreSpreadAMillisecondApart() throws IOException {
        List<byte[]> packets = stream();
        for (int seq : new int[] {6, 7}) { // frame 3 carries frame 2's timestamp, frame 4 is 10 ticks after it
            RtpPacket.writeHeader(packets.get(seq), 0, seq == 7, 96, seq, 2 * 3000, 0x1234);
        }
        for (int seq : new int[] {8, 9}) {
            RtpPacket.writeHeader(packets.get(seq), 0, seq == 9, 96, seq, 2 * 3000 + 10, 0x1234);
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try (TrackFile.Writer w = new TrackFile.Writer(file, new TrackFile.Header("video", "VP8", 90000, 96, "cam", "p", 0))) {
            for (int i = 0; i < packets.size(); i++) {
                w.append(i * 10L, packets.get(i), 0, packets.get(i).length);
            }
        }
        ByteArrayOutputStream ivf = new ByteArrayOutputStream();
        assertThat(Finisher.rebuild(new TrackFile.Reader(new ByteArrayInputStream(file.toByteArray())), ivf).frames()).isEqualTo(10);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(ivf.toByteArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        List<Long> pts = new ArrayList<>();
        for (int at = 32; at < b.limit(); at += 12 + b.getInt(at)) {
            pts.add(b.getLong(at + 4));
        }
        assertThat(pts).containsExactly(0L, 3000L, 6000L, 6090L, 6180L, 15000L, 18000L, 21000L, 24000L, 27000L);
    }
}
