package io.atrium.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.webrtc.rtp.Av1AggregationHeader;
import io.atrium.webrtc.rtp.RtpPacket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An AV1 track finished into WebM: ffmpeg (SVT-AV1, low delay, a key frame every 25) encodes 50 frames of its test
 * pattern; they are sent as AV1 RTP would carry them (no temporal delimiters, OBUs without their size field, split
 * over 300-byte packets with Z/Y, aggregated with W = 1..3 or length-prefixed with W = 0, N on a new sequence) into a
 * track file; finishing gives a WebM that ffprobe reads as 320x240 AV1 with every frame and ffmpeg decodes without
 * an error. With a packet of frame 5 lost, frames 5–24 are dropped and the rest still decodes cleanly.
 */
class Av1FinishTest {
    private static final int FRAMES = 50;
    private static final int MAX_PAYLOAD = 300;

    @TempDir
    Path tmp;

    @Test
    void anAv1TrackBecomesAPlayableWebm() throws Exception {
        List<List<byte[]>> units = encode();
        assertThat(finish(units, -1, "whole")).isEqualTo(FRAMES);
    }

    @Test
    void aLostPacketDropsFramesUntilTheNextKeyFrame() throws Exception {
        List<List<byte[]>> units = encode();
        assertThat(finish(units, 5, "lossy")).isEqualTo(FRAMES - 20);
    }

    /** Packetizes, writes the track file, finishes it; checks the WebM and returns its frame count. */
    private long finish(List<List<byte[]>> units, int lossInFrame, String name) throws IOException {
        Path track = tmp.resolve(name + ".atrk");
        int seq = 0;
        try (OutputStream out = Files.newOutputStream(track);
             TrackFile.Writer w = new TrackFile.Writer(out, new TrackFile.Header("video", "AV1", 90_000, 45, "cam", "p", 0))) {
            for (int f = 0; f < units.size(); f++) {
                List<byte[]> packets = packetize(units.get(f));
                for (int i = 0; i < packets.size(); i++) {
                    byte[] payload = packets.get(i);
                    byte[] p = new byte[12 + payload.length];
                    RtpPacket.writeHeader(p, 0, i == packets.size() - 1, 45, seq++, f * 3600, 0x1234);
                    System.arraycopy(payload, 0, p, 12, payload.length);
                    if (f == lossInFrame && i == packets.size() - 1) {
                        continue; // lost
                    }
                    w.append(f * 40L, p, 0, p.length);
                }
            }
        }
        Finisher.Result r = new Finisher("ffmpeg").finish(track, tmp);
        assertThat(r.container()).isEqualTo("webm");
        JsonNode probe = Media.probe(r.file());
        assertThat(probe.at("/streams/0/codec_name").asText()).isEqualTo("av1");
        assertThat(probe.at("/streams/0/width").asInt()).isEqualTo(320);
        assertThat(probe.at("/streams/0/height").asInt()).isEqualTo(240);
        assertThat(probe.at("/streams/0/nb_read_frames").asLong()).isEqualTo(r.frames());
        Media.assertDecodesCleanly(r.file());
        return r.frames();
    }

    /** 50 frames of ffmpeg's test pattern as temporal units, each a list of OBUs as RTP carries them. */
    private List<List<byte[]>> encode() throws IOException {
        Path ivf = tmp.resolve("source.ivf");
        Media.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                "-frames:v", Integer.toString(FRAMES), "-c:v", "libsvtav1", "-g", "25", "-svtav1-params", "pred-struct=1",
                ivf.toString()));
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(ivf)).order(ByteOrder.LITTLE_ENDIAN);
        b.position(b.getShort(6));
        List<List<byte[]>> units = new ArrayList<>();
        while (b.remaining() >= 12) {
            int size = b.getInt();
            b.getLong(); // pts
            int end = b.position() + size;
            List<byte[]> obus = new ArrayList<>();
            while (b.position() < end) {
                int header = b.get() & 0xFF;
                int ext = (header & 0x04) != 0 ? b.get() & 0xFF : -1;
                long leb = Av1AggregationHeader.leb128(b.array(), b.position(), end);
                b.position(b.position() + (int) (leb >>> 32));
                byte[] payload = new byte[(int) leb];
                b.get(payload);
                if (((header >>> 3) & 0x0F) == 2) {
                    continue; // RTP carries no temporal delimiter
                }
                ByteArrayOutputStream obu = new ByteArrayOutputStream();
                obu.write(header & ~0x02); // and no size field
                if (ext >= 0) {
                    obu.write(ext);
                }
                obu.write(payload, 0, payload.length);
                obus.add(obu.toByteArray());
            }
            units.add(obus);
        }
        assertThat(units).hasSize(FRAMES);
        return units;
    }

    /** One temporal unit in packets of at most {@link #MAX_PAYLOAD} bytes after the aggregation header. */
    private static List<byte[]> packetize(List<byte[]> obus) {
        boolean newSequence = ((obus.get(0)[0] >>> 3) & 0x0F) == 1;
        List<byte[]> packets = new ArrayList<>();
        List<byte[]> elements = new ArrayList<>();
        int room = MAX_PAYLOAD;
        boolean continuesFirst = false;
        for (byte[] obu : obus) {
            int at = 0;
            while (at < obu.length) {
                int take = Math.min(obu.length - at, Math.max(0, room - 3)); // 3: room for a length field
                if (take == 0) {
                    packets.add(packet(elements, continuesFirst, false, newSequence && packets.isEmpty()));
                    elements.clear();
                    continuesFirst = false;
                    room = MAX_PAYLOAD;
                    continue;
                }
                elements.add(java.util.Arrays.copyOfRange(obu, at, at + take));
                at += take;
                room -= take + 3;
                if (at < obu.length) { // the OBU goes on in the next packet
                    packets.add(packet(elements, continuesFirst, true, newSequence && packets.isEmpty()));
                    elements.clear();
                    continuesFirst = true;
                    room = MAX_PAYLOAD;
                }
            }
        }
        if (!elements.isEmpty()) {
            packets.add(packet(elements, continuesFirst, false, newSequence && packets.isEmpty()));
        }
        return packets;
    }

    /** Aggregation header and elements: W = the count when 1..3 (the last without a length), else 0 (all with one). */
    private static byte[] packet(List<byte[]> elements, boolean z, boolean y, boolean n) {
        int w = elements.size() <= 3 ? elements.size() : 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((z ? 0x80 : 0) | (y ? 0x40 : 0) | w << 4 | (n ? 0x08 : 0));
        for (int i = 0; i < elements.size(); i++) {
            byte[] e = elements.get(i);
            if (!Av1AggregationHeader.isLast(w, i + 1)) {
                for (int size = e.length; ; size >>>= 7) {
                    if (size < 0x80) {
                        out.write(size);
                        break;
                    }
                    out.write(size & 0x7F | 0x80);
                }
            }
            out.write(e, 0, e.length);
        }
        return out.toByteArray();
    }
}
