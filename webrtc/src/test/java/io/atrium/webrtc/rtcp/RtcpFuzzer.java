package io.atrium.webrtc.rtcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link RtcpCompound} (RFC 3550 section 6.1 and appendix A.2) and of
 * every RTCP reader applied to each packet it yields: SR/RR (RFC 3550 6.4), SDES (6.5), BYE (6.6), generic
 * NACK and PLI (RFC 4585 6.2.1, 6.3.1), FIR (RFC 5104 4.3.1), REMB and transport-wide feedback. Nothing may
 * throw; what a reader accepts must lie inside the packet. Each reader also runs on an array holding exactly
 * the packet, so a read past its end throws. Corpus (real compounds of every type):
 * {@code src/test/resources/io/atrium/webrtc/rtcp/RtcpFuzzerInputs/fuzz/}.
 */
public class RtcpFuzzer {
    private final RtcpCompound compound = new RtcpCompound();
    private final SenderReport sr = new SenderReport();
    private final ReceiverReport rr = new ReceiverReport();
    private final SourceDescription sdes = new SourceDescription();
    private final Bye bye = new Bye();
    private final GenericNack nack = new GenericNack();
    private final PictureLossIndication pli = new PictureLossIndication();
    private final FullIntraRequest fir = new FullIntraRequest();
    private final Remb remb = new Remb();
    private final TransportCcFeedback tcc = new TransportCcFeedback();
    private final int[] lost = new int[GenericNack.SEQUENCES_PER_ENTRY * 512];

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        check(data.consumeRemainingAsBytes());
    }

    private void check(byte[] input) {
        int len = input.length;
        if (!compound.wrap(input, 0, len)) {
            assertThat(compound.next()).isFalse();
            return;
        }
        compound.startsWithReport();
        int expectedOffset = 0;
        int packets = 0;
        while (compound.next()) {
            assertThat(++packets).isLessThanOrEqualTo(len / RtcpHeader.HEADER_LENGTH);
            int off = compound.packetOffset();
            int packetLength = compound.packetLength();
            assertThat(off).isEqualTo(expectedOffset);
            assertThat(packetLength % 4).isZero();
            assertThat(packetLength).isBetween(RtcpHeader.HEADER_LENGTH, len - off);
            assertThat(compound.contentLength()).isBetween(RtcpHeader.HEADER_LENGTH, packetLength);
            assertThat(compound.packetType()).isEqualTo(input[off + 1] & 0xFF);
            assertThat(compound.count()).isBetween(0, RtcpHeader.MAX_COUNT);
            expectedOffset = off + packetLength;

            readAll(input, off, packetLength, compound.contentLength());
            readAll(Arrays.copyOfRange(input, off, off + packetLength), 0, packetLength, compound.contentLength());
        }
        assertThat(expectedOffset).isEqualTo(len);
    }

    /** Every reader on one packet; whichever accepts it must report offsets inside its content. */
    private void readAll(byte[] buf, int off, int len, int content) {
        int end = off + content;
        if (sr.wrap(buf, off, len)) {
            sr.senderSsrc();
            sr.ntpTimestamp();
            sr.rtpTimestamp();
            sr.packetCount();
            sr.octetCount();
            for (int i = 0; i < sr.reportCount(); i++) {
                assertThat(sr.reportBlockOffset(i) + ReportBlock.LENGTH).isLessThanOrEqualTo(end);
                assertThat(sr.reportBlock(i).fractionLost()).isBetween(0, 255);
            }
        }
        if (rr.wrap(buf, off, len)) {
            rr.senderSsrc();
            for (int i = 0; i < rr.reportCount(); i++) {
                assertThat(rr.reportBlockOffset(i) + ReportBlock.LENGTH).isLessThanOrEqualTo(end);
                rr.reportBlock(i);
            }
        }
        if (sdes.wrap(buf, off, len)) {
            int chunks = 0;
            while (sdes.nextChunk()) {
                assertThat(++chunks).isLessThanOrEqualTo(sdes.chunkCount());
                int items = 0;
                while (sdes.nextItem()) {
                    assertThat(++items).isLessThanOrEqualTo(content / 2);
                    assertThat(sdes.itemOffset()).isGreaterThan(off);
                    assertThat(sdes.itemOffset() + sdes.itemLength()).isLessThanOrEqualTo(end);
                    sdes.itemText();
                }
                sdes.cname(sdes.chunkSsrc());
                break; // cname() rewound the cursor
            }
        }
        if (bye.wrap(buf, off, len)) {
            assertThat(RtcpHeader.HEADER_LENGTH + 4 * bye.sourceCount()).isLessThanOrEqualTo(content);
            for (int i = 0; i < bye.sourceCount(); i++) {
                bye.ssrc(i);
            }
            if (bye.reasonOffset() >= 0) {
                assertThat(bye.reasonOffset() + bye.reasonLength()).isLessThanOrEqualTo(end);
                bye.reason();
            }
        }
        if (nack.wrap(buf, off, len)) {
            int entries = nack.entryCount();
            assertThat(entries).isPositive();
            assertThat(RtcpHeader.FEEDBACK_HEADER_LENGTH + 4 * entries).isLessThanOrEqualTo(content);
            nack.senderSsrc();
            nack.mediaSsrc();
            int n = nack.lostSequenceNumbers(lost);
            assertThat(n).isBetween(Math.min(entries, lost.length), lost.length);
            for (int i = 0; i < n; i++) {
                assertThat(lost[i]).isBetween(0, 0xFFFF);
            }
        }
        if (pli.wrap(buf, off, len)) {
            pli.senderSsrc();
            pli.mediaSsrc();
        }
        if (fir.wrap(buf, off, len)) {
            assertThat(fir.entryCount()).isPositive();
            assertThat(RtcpHeader.FEEDBACK_HEADER_LENGTH + 8 * fir.entryCount()).isLessThanOrEqualTo(content);
            for (int i = 0; i < fir.entryCount(); i++) {
                fir.ssrc(i);
                fir.sequenceNumber(i);
            }
        }
        Remb.isRemb(buf, off, len);
        if (remb.wrap(buf, off, len)) {
            assertThat(Remb.MIN_LENGTH + 4 * remb.ssrcCount()).isLessThanOrEqualTo(content);
            assertThat(remb.bitrate()).isNotNegative();
            for (int i = 0; i < remb.ssrcCount(); i++) {
                remb.ssrc(i);
            }
        }
        if (tcc.wrap(buf, off, len)) {
            int count = tcc.packetStatusCount();
            assertThat(count).isBetween(1, 0xFFFF);
            tcc.referenceTime();
            tcc.feedbackPacketCount();
            int seen = 0;
            while (tcc.nextPacket()) {
                assertThat(tcc.sequenceNumber()).isEqualTo((tcc.baseSequenceNumber() + seen) & 0xFFFF);
                seen++;
                switch (tcc.status()) {
                    case TransportCcFeedback.NOT_RECEIVED -> assertThat(tcc.deltaTicks()).isZero();
                    case TransportCcFeedback.RECEIVED_SMALL_DELTA -> assertThat(tcc.deltaTicks()).isBetween(0, 255);
                    case TransportCcFeedback.RECEIVED_LARGE_DELTA ->
                            assertThat(tcc.deltaTicks()).isBetween(-32768, 32767);
                    default -> fail("status " + tcc.status());
                }
            }
            assertThat(seen).isEqualTo(count);
        }
    }
}
