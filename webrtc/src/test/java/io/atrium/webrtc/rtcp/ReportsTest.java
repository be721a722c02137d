package io.atrium.webrtc.rtcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportsTest {
    private final SenderReport sr = new SenderReport();
    private final ReceiverReport rr = new ReceiverReport();

    @Test
    void readsHandAssembledSenderReport() {
        byte[] buf = Hex.bytes("""
                81 c8 00 0c  12 34 56 78  e3 00 00 00  80 00 00 00  00 00 10 00  00 00 00 0a  00 00 03 e8
                aa bb cc dd  40 ff ff fe  00 01 ff ff  00 00 00 20  e3 00 80 00  00 01 80 00
                """);
        assertThat(sr.wrap(buf, 0, buf.length)).isTrue();
        assertThat(sr.senderSsrc()).isEqualTo(0x12345678);
        assertThat(sr.ntpTimestamp()).isEqualTo(0xE300000080000000L);
        assertThat(sr.rtpTimestamp()).isEqualTo(4096);
        assertThat(sr.packetCount()).isEqualTo(10);
        assertThat(sr.octetCount()).isEqualTo(1000);
        assertThat(sr.reportCount()).isEqualTo(1);
        assertThat(sr.reportBlock(0)).isEqualTo(
                new ReportBlock(0xAABBCCDD, 64, -2, 0x1FFFF, 32, 0xE3008000, 0x18000));
        assertThat(ReportBlock.cumulativeLost(buf, sr.reportBlockOffset(0))).isEqualTo(-2);
    }

    @Test
    void senderReportRoundTrip() {
        List<ReportBlock> blocks = List.of(
                new ReportBlock(1, 255, 0x7FFFFF, -1, 7, 8, 9),
                new ReportBlock(-2, 0, -0x800000, 65536, 0, 0, 0));
        byte[] buf = new byte[100];
        int n = SenderReport.write(buf, 3, 97, 0xCAFEBABE, 0x0102030405060708L, -5, 77, 88, blocks);
        assertThat(n).isEqualTo(28 + 48);
        assertThat(sr.wrap(buf, 3, n)).isTrue();
        assertThat(sr.senderSsrc()).isEqualTo(0xCAFEBABE);
        assertThat(sr.ntpTimestamp()).isEqualTo(0x0102030405060708L);
        assertThat(sr.rtpTimestamp()).isEqualTo(-5);
        assertThat(sr.packetCount()).isEqualTo(77);
        assertThat(sr.octetCount()).isEqualTo(88);
        assertThat(sr.reportCount()).isEqualTo(2);
        assertThat(sr.reportBlock(0)).isEqualTo(blocks.get(0));
        assertThat(sr.reportBlock(1)).isEqualTo(blocks.get(1));
        assertThat(new RtcpCompound().wrap(buf, 3, n)).isTrue();
    }

    @Test
    void clampsCumulativeLossTo24Bits() {
        byte[] buf = new byte[32];
        ReceiverReport.write(buf, 0, 32, 1, List.of(new ReportBlock(2, 0, 1 << 30, 0, 0, 0, 0)));
        assertThat(rr.wrap(buf, 0, 32)).isTrue();
        assertThat(rr.reportBlock(0).cumulativeLost()).isEqualTo(0x7FFFFF);
        ReceiverReport.write(buf, 0, 32, 1, List.of(new ReportBlock(2, 0, -(1 << 30), 0, 0, 0, 0)));
        assertThat(rr.wrap(buf, 0, 32)).isTrue();
        assertThat(rr.reportBlock(0).cumulativeLost()).isEqualTo(-0x800000);
    }

    @Test
    void receiverReportRoundTrip() {
        byte[] buf = new byte[64];
        assertThat(ReceiverReport.write(buf, 0, 64, 42, List.of())).isEqualTo(8);
        assertThat(rr.wrap(buf, 0, 8)).isTrue();
        assertThat(rr.senderSsrc()).isEqualTo(42);
        assertThat(rr.reportCount()).isZero();

        ReportBlock block = new ReportBlock(5, 12, 300, 70000, 99, 0x11223344, 65536);
        int n = ReceiverReport.write(buf, 0, 64, 43, List.of(block));
        assertThat(n).isEqualTo(32);
        assertThat(rr.wrap(buf, 0, n)).isTrue();
        assertThat(rr.reportBlock(0)).isEqualTo(block);
        assertThat(ReportBlock.ssrc(buf, rr.reportBlockOffset(0))).isEqualTo(5);
        assertThat(ReportBlock.extendedHighestSequence(buf, rr.reportBlockOffset(0))).isEqualTo(70000);
    }

    @Test
    void rejectsMalformedReports() {
        // RC=1 but no report block within the length
        byte[] rrShort = Hex.bytes("81 c9 00 01 00 00 00 01");
        assertThat(rr.wrap(rrShort, 0, rrShort.length)).isFalse();
        // SR shorter than sender info
        byte[] srShort = Hex.bytes("80 c8 00 01 00 00 00 01");
        assertThat(sr.wrap(srShort, 0, srShort.length)).isFalse();
        // RR bytes given to the SR reader and vice versa
        byte[] rrOk = Hex.bytes("80 c9 00 01 00 00 00 01");
        assertThat(sr.wrap(rrOk, 0, rrOk.length)).isFalse();
        assertThat(rr.wrap(rrOk, 0, rrOk.length)).isTrue();
        // declared length past available bytes
        assertThat(rr.wrap(rrOk, 0, 7)).isFalse();
        // version 1
        byte[] v1 = Hex.bytes("40 c9 00 01 00 00 00 01");
        assertThat(rr.wrap(v1, 0, v1.length)).isFalse();
    }

    @Test
    void writersReportNoRoomAndRejectTooManyBlocks() {
        byte[] buf = new byte[40];
        assertThat(SenderReport.write(buf, 0, 27, 1, 0, 0, 0, 0, List.of())).isEqualTo(-1);
        assertThat(ReceiverReport.write(buf, 36, 100, 1, List.of())).isEqualTo(-1);
        List<ReportBlock> tooMany = Collections.nCopies(32, new ReportBlock(0, 0, 0, 0, 0, 0, 0));
        assertThatThrownBy(() -> ReceiverReport.write(new byte[2000], 0, 2000, 1, tooMany))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
