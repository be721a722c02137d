package io.atrium.server.files;

import static io.atrium.server.files.Boxes.box;
import static io.atrium.server.files.Boxes.concat;
import static io.atrium.server.files.Boxes.ebmlHeader;
import static io.atrium.server.files.Boxes.element;
import static io.atrium.server.files.Boxes.float32;
import static io.atrium.server.files.Boxes.float64;
import static io.atrium.server.files.Boxes.ftyp;
import static io.atrium.server.files.Boxes.mvhd0;
import static io.atrium.server.files.Boxes.mvhd1;
import static io.atrium.server.files.Boxes.simpleBlock;
import static io.atrium.server.files.Boxes.uint;
import static io.atrium.server.files.Boxes.unknownSize;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Table tests of the MP4 and Matroska parsers on synthetic files: each rule and each refusal. */
class ContainerParserTest {

    private static final long SEGMENT = 0x18538067L;
    private static final long INFO = 0x1549A966L;
    private static final long TRACKS = 0x1654AE6BL;
    private static final long CLUSTER = 0x1F43B675L;

    private static MediaInfo probe(byte[] file) throws Exception {
        return MediaProbe.probe(ByteSource.of(file));
    }

    private static void refused(byte[] file, String message) {
        assertThatThrownBy(() -> probe(file)).isInstanceOf(MediaFormatException.class).hasMessageContaining(message);
    }

    @Test
    void mvhdVersion0And1() throws Exception {
        assertThat(probe(concat(ftyp("isom"), box("moov", mvhd0(1000, 2500)))).durationSeconds()).isEqualTo(2.5);
        MediaInfo v1 = probe(concat(ftyp("mp42"), box("moov", mvhd1(90000, 90000L * 3600 * 30))));
        assertThat(v1.container()).isEqualTo(Container.MP4);
        assertThat(v1.durationSeconds()).isEqualTo(3600.0 * 30);
    }

    @Test
    void quickTimeByBrandOrByLegacyFirstAtom() throws Exception {
        assertThat(probe(concat(ftyp("qt  ", "qt  "), box("moov", mvhd0(600, 1200)))).container()).isEqualTo(Container.QUICKTIME);
        assertThat(probe(concat(box("wide"), box("mdat", new byte[10]), box("moov", mvhd0(600, 300)))).container())
                .isEqualTo(Container.QUICKTIME);
    }

    @Test
    void largeSizeAndSizeZeroBoxes() throws Exception {
        byte[] file = concat(ftyp("isom"), Boxes.largeBox("mdat", new byte[100]), box("moov", mvhd0(10, 15)));
        assertThat(probe(file).durationSeconds()).isEqualTo(1.5);
        // size 0: the last box runs to the end of the file
        byte[] moov = box("moov", mvhd0(10, 20));
        moov[0] = moov[1] = moov[2] = moov[3] = 0;
        assertThat(probe(concat(ftyp("isom"), moov)).durationSeconds()).isEqualTo(2.0);
    }

    @Test
    void fragmentedDurationFromMehd() throws Exception {
        byte[] file = concat(ftyp("iso5"), box("moov", mvhd0(1000, 0), box("mvex", Boxes.mehd(4200))));
        assertThat(probe(file).durationSeconds()).isEqualTo(4.2);
    }

    @Test
    void mp4Refusals() {
        refused(concat(ftyp("isom"), "garbage garbage garbage garbage".getBytes(StandardCharsets.US_ASCII)), "past the end");
        refused(concat(ftyp("isom"), box("moov", box("trak"))), "no mvhd");
        refused(concat(ftyp("isom"), box("mdat", new byte[50])), "no moov");
        refused(concat(ftyp("isom"), box("moov", mvhd0(0, 100))), "timescale is 0");
        refused(concat(ftyp("isom"), box("moov", mvhd0(1000, 0))), "no duration");
        refused(concat(ftyp("isom"), box("moov", mvhd0(1000, 100)), box("moov", mvhd0(1000, 100))), "two moov");
        refused(concat(ftyp("heic", "mif1"), box("moov", mvhd0(1000, 100))), "image");
        refused(concat(box("abcd"), box("moov", mvhd0(1000, 100))), "not an MP4");
        refused(concat(ftyp("isom"), box("moov", mvhd0(1000, 100)), new byte[] {0, 0, 0}), "trailing bytes");
        byte[] badVersion = box("moov", mvhd0(1000, 100));
        badVersion[16] = 7;
        refused(concat(ftyp("isom"), badVersion), "malformed mvhd");
        byte[] tiny = concat(ftyp("isom"), box("moov", box("mvhd", new byte[8])));
        refused(tiny, "malformed mvhd");
    }

    @Test
    void matroskaDurationTimesTimestampScale() throws Exception {
        byte[] webm = concat(ebmlHeader("webm"), element(SEGMENT,
                element(INFO, uint(0x2AD7B1, 1_000_000), float64(0x4489, 2008.0)), element(TRACKS)));
        MediaInfo info = probe(webm);
        assertThat(info.container()).isEqualTo(Container.WEBM);
        assertThat(info.durationSeconds()).isCloseTo(2.008, within(1e-9));
        byte[] mkv = concat(ebmlHeader("matroska"), element(SEGMENT,
                element(INFO, uint(0x2AD7B1, 100_000), float32(0x4489, 25_000f)), element(TRACKS)));
        assertThat(probe(mkv).container()).isEqualTo(Container.MATROSKA);
        assertThat(probe(mkv).durationSeconds()).isCloseTo(2.5, within(1e-9));
    }

    @Test
    void matroskaWithoutDurationIsMeasuredFromBlocks() throws Exception {
        byte[] live = concat(ebmlHeader("webm"), unknownSize(SEGMENT,
                element(INFO, uint(0x2AD7B1, 1_000_000)), element(TRACKS),
                unknownSize(CLUSTER, uint(0xE7, 0), simpleBlock(0), simpleBlock(500)),
                unknownSize(CLUSTER, uint(0xE7, 1000), simpleBlock(0), simpleBlock(733))));
        assertThat(probe(live).durationSeconds()).isCloseTo(1.733, within(1e-9));
    }

    @Test
    void matroskaRefusals() {
        refused(concat(ebmlHeader("avi"), element(SEGMENT, element(INFO), element(TRACKS))), "not webm or matroska");
        refused(concat(element(0x1A45DFA3L, uint(0x4286, 1)), element(SEGMENT)), "DocType is missing");
        refused(ebmlHeader("webm"), "no Segment");
        refused(concat(ebmlHeader("webm"), element(SEGMENT, element(TRACKS))), "no Info");
        refused(concat(ebmlHeader("webm"), element(SEGMENT, element(INFO, float64(0x4489, 5)))), "no Tracks");
        refused(concat(ebmlHeader("webm"), element(SEGMENT, element(INFO), element(TRACKS))), "no Duration");
        refused(concat(ebmlHeader("webm"), element(SEGMENT, element(INFO, float64(0x4489, Double.NaN)), element(TRACKS))), "finite");
        refused(concat(ebmlHeader("webm"), element(SEGMENT, element(INFO, element(0x4489, new byte[3])), element(TRACKS))), "4- or 8-byte");
        refused(concat(ebmlHeader("webm"), element(SEGMENT, element(INFO, uint(0x2AD7B1, 0), float64(0x4489, 5)), element(TRACKS))),
                "TimestampScale");
        byte[] truncated = concat(ebmlHeader("webm"), element(SEGMENT, element(INFO, float64(0x4489, 5)), element(TRACKS)));
        refused(java.util.Arrays.copyOf(truncated, truncated.length - 1), "truncated");
        refused(concat(ebmlHeader("webm"), new byte[] {0, 0, 0, 0}), "invalid element ID");
    }

    @Test
    void garbageOfEveryKindIsRefused() {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            if (i % 2 == 0 && junk.length >= 8) {
                System.arraycopy("ftyp".getBytes(StandardCharsets.US_ASCII), 0, junk, 4, 4);
            } else if (junk.length >= 4) {
                junk[0] = 0x1A;
                junk[1] = 0x45;
                junk[2] = (byte) 0xDF;
                junk[3] = (byte) 0xA3;
            }
            assertThatThrownBy(() -> probe(junk)).isInstanceOf(MediaFormatException.class);
        }
        refused("hello, I am a text file".getBytes(StandardCharsets.US_ASCII), "not an MP4, QuickTime, WebM or Matroska");
        refused(new byte[0], "not an MP4");
    }
}
