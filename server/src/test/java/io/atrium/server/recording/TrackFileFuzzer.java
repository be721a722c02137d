package io.atrium.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Coverage-guided fuzzing (Jazzer) of what finishing reads: a track file of fuzzer-chosen codec and records,
 * through {@link TrackFile.Reader}, the reordering and the depacketizers (VP8, VP9, H.264, AV1, Opus) into the
 * intermediate file. Whatever the bytes, the only exception is a {@link TrackFileException} (a bad header or a
 * codec that cannot be finished), packets kept plus dropped never exceed the records read, and an intermediate
 * file is written whenever a frame was kept.
 */
public class TrackFileFuzzer {

    private static final String[] CODECS = {"VP8", "VP9", "H264", "opus", "AV1"};

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) throws IOException {
        byte[] input;
        if (data.consumeBoolean()) {
            input = data.consumeRemainingAsBytes();
        } else {
            String codec = data.pickValue(CODECS);
            String kind = codec.equals("opus") ? "audio" : "video";
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (TrackFile.Writer w = new TrackFile.Writer(bytes, new TrackFile.Header(kind, codec, kind.equals("audio")
                    ? 48000 : 90000, 96, "t", "p", 0))) {
                while (data.remainingBytes() > 2) {
                    byte[] packet = data.consumeBytes(data.consumeInt(0, TrackFile.MAX_PACKET + 2));
                    if (packet.length >= TrackFile.MIN_RTP) {
                        packet[0] = (byte) (0x80 | packet[0] & 0x3F); // mostly valid RTP headers
                    }
                    w.append(data.consumeLong(0, 1L << 32), packet, 0, packet.length);
                }
            }
            input = bytes.toByteArray();
        }
        TrackFile.Reader reader;
        try {
            reader = new TrackFile.Reader(new ByteArrayInputStream(input));
        } catch (TrackFileException expected) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Finisher.Rebuilt rebuilt;
        try {
            rebuilt = Finisher.rebuild(reader, out);
        } catch (TrackFileException expected) {
            return;
        }
        assertThat(rebuilt.packets()).isGreaterThanOrEqualTo(0);
        assertThat(rebuilt.lateOrDuplicate()).isGreaterThanOrEqualTo(0);
        assertThat(rebuilt.frames()).isLessThanOrEqualTo(rebuilt.packets());
        if (rebuilt.frames() > 0) {
            assertThat(out.size()).isGreaterThan(32);
        }
    }
}
