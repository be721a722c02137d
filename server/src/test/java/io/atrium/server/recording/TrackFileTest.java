package io.atrium.server.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The track file format: what is written reads back record for record; a file cut at any byte (a killed server,
 * a full disk) reads up to its last whole record and says how much it left; bad headers are refused with a
 * message naming what is wrong.
 */
class TrackFileTest {

    static final TrackFile.Header HEADER = new TrackFile.Header("video", "VP8", 90000, 96, "cam", "p-1", 1_700_000_000_000L);

    static byte[] file(int records) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TrackFile.Writer w = new TrackFile.Writer(bytes, HEADER)) {
            for (int i = 0; i < records; i++) {
                byte[] rtp = new byte[20 + i];
                Arrays.fill(rtp, (byte) i);
                w.append(HEADER.startEpochMillis() + 20L * i, rtp, 0, rtp.length);
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void recordsReadBackAsWritten() throws IOException {
        TrackFile.Reader r = new TrackFile.Reader(new ByteArrayInputStream(file(5)));
        assertThat(r.header()).isEqualTo(HEADER);
        for (int i = 0; i < 5; i++) {
            assertThat(r.next()).isTrue();
            assertThat(r.arrivalMillis()).isEqualTo(20L * i);
            assertThat(r.length()).isEqualTo(20 + i);
            assertThat(Arrays.copyOf(r.packet(), r.length())).containsOnly((byte) i);
        }
        assertThat(r.next()).isFalse();
        assertThat(r.truncatedBytes()).isZero();
    }

    @Test
    void aFileCutAnywhereAfterItsHeaderReadsItsWholeRecords() throws IOException {
        byte[] whole = file(3);
        int headerLength = file(0).length;
        int[] ends = {headerLength, headerLength + 26, headerLength + 26 + 27, whole.length};
        for (int cut = headerLength; cut <= whole.length; cut++) {
            TrackFile.Reader r = new TrackFile.Reader(new ByteArrayInputStream(Arrays.copyOf(whole, cut)));
            int records = 0;
            while (r.next()) {
                records++;
            }
            int whole_ = 0;
            while (whole_ < 3 && ends[whole_ + 1] <= cut) {
                whole_++;
            }
            assertThat(records).as("records in a file cut at %d", cut).isEqualTo(whole_);
            assertThat(r.truncatedBytes()).as("bytes left at %d", cut).isEqualTo(cut - ends[whole_]);
        }
    }

    @Test
    void aCutHeaderIsRefused() throws IOException {
        byte[] header = file(0);
        for (int cut = 0; cut < header.length; cut++) {
            byte[] part = Arrays.copyOf(header, cut);
            assertThatThrownBy(() -> new TrackFile.Reader(new ByteArrayInputStream(part))).as("cut at %d", cut)
                    .isInstanceOf(TrackFileException.class);
        }
    }

    record Bad(String name, byte[] bytes, String message) {
    }

    @Test
    void badHeadersAreRefusedWithTheReason() throws IOException {
        Bad[] table = {
            new Bad("not a track file", "RIFF0000".getBytes(), "no ATRK magic"),
            new Bad("a later version", header(2, "video", 90000), "version 2 is not supported"),
            new Bad("an unknown kind", header(1, "data", 90000), "kind must be audio or video, not 'data'"),
            new Bad("a zero clock rate", header(1, "audio", 0), "clock rate 0 is out of range"),
            new Bad("a negative clock rate", header(1, "audio", -1), "clock rate 4294967295 is out of range"),
        };
        for (Bad bad : table) {
            assertThatThrownBy(() -> new TrackFile.Reader(new ByteArrayInputStream(bad.bytes()))).as(bad.name())
                    .isInstanceOf(TrackFileException.class).hasMessageContaining(bad.message());
        }
    }

    @Test
    void anImpossibleRecordLengthEndsTheFile() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(file(1));
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(40);
        out.writeShort(TrackFile.MAX_PACKET + 1);
        out.write(new byte[30]);
        TrackFile.Reader r = new TrackFile.Reader(new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(r.next()).isTrue();
        assertThat(r.next()).isFalse();
        assertThat(r.truncatedBytes()).isEqualTo(6 + 30);
    }

    private static byte[] header(int version, String kind, int clockRate) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(TrackFile.MAGIC);
        out.writeByte(version);
        out.writeUTF(kind);
        out.writeUTF("opus");
        out.writeInt(clockRate);
        out.writeByte(111);
        out.writeUTF("t");
        out.writeUTF("p");
        out.writeLong(0);
        return bytes.toByteArray();
    }
}
