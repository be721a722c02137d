package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link RtpPacket#wrap} (RFC 3550 section 5), {@link RtpHeaderExtensions}
 * (RFC 8285), the payload readers and the in-place editors applied to what they expose. Nothing may throw;
 * a packet either is refused or every offset and length it reports lies inside it, and the in-place editors
 * touch only their own bytes. Each input is parsed from an array of exactly its size (a read past the end
 * throws) and again at an offset inside a larger array, with the same result. Corpus (real packets and the
 * shapes of earlier findings): {@code src/test/resources/io/atrium/webrtc/rtp/RtpFuzzerInputs/fuzz/}.
 */
public class RtpFuzzer {
    private static final int SHIFT = 5;
    private static final int GUARD = 7;

    private final RtpPacket packet = new RtpPacket();
    private final RtpPacket shifted = new RtpPacket();
    private final RtpHeaderExtensions extensions = new RtpHeaderExtensions();
    private final Vp8PayloadDescriptor vp8 = new Vp8PayloadDescriptor();
    private final Vp9PayloadDescriptor vp9 = new Vp9PayloadDescriptor();

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        check(data.consumeRemainingAsBytes());
    }

    private void check(byte[] input) {
        int len = input.length;
        byte[] exact = input.clone();
        boolean ok = packet.wrap(exact, 0, len);
        byte[] big = new byte[SHIFT + len + GUARD];
        Arrays.fill(big, (byte) 0x5A);
        System.arraycopy(input, 0, big, SHIFT, len);
        assertThat(shifted.wrap(big, SHIFT, len)).isEqualTo(ok);
        if (!ok) {
            assertThat(packet.buffer()).isNull();
            return;
        }
        assertThat(shifted.headerLength()).isEqualTo(packet.headerLength());
        assertThat(shifted.payloadOffset() - SHIFT).isEqualTo(packet.payloadOffset());
        assertThat(shifted.payloadLength()).isEqualTo(packet.payloadLength());
        assertThat(shifted.extensionDataLength()).isEqualTo(packet.extensionDataLength());

        int cc = packet.csrcCount();
        assertThat(packet.headerLength()).isBetween(RtpPacket.FIXED_HEADER_LENGTH + 4 * cc, len);
        assertThat(packet.payloadOffset()).isEqualTo(packet.headerLength());
        assertThat(packet.payloadLength()).isNotNegative();
        assertThat(packet.headerLength() + packet.payloadLength() + packet.paddingLength()).isEqualTo(len);
        assertThat(packet.paddingLength() > 0).isEqualTo(packet.hasPadding());
        if (packet.hasPadding()) {
            assertThat(packet.paddingLength()).isEqualTo(input[len - 1] & 0xFF);
        }
        for (int c = 0; c < cc; c++) {
            packet.csrc(c);
        }
        packet.sequenceNumber();
        packet.timestamp();
        packet.ssrc();
        packet.payloadType();
        packet.marker();
        if (packet.hasExtension()) {
            assertThat(packet.extensionDataOffset()).isEqualTo(RtpPacket.FIXED_HEADER_LENGTH + 4 * cc + 4);
            assertThat(packet.extensionDataLength() % 4).isZero();
            assertThat(packet.extensionDataOffset() + packet.extensionDataLength()).isEqualTo(packet.headerLength());
            checkExtensions(exact, big);
        } else {
            assertThat(packet.extensionProfile()).isEqualTo(-1);
            assertThat(extensions.wrap(packet)).isFalse();
        }
        checkPayload(exact, packet.payloadOffset(), packet.payloadLength());
        checkRtxUnwrap(big, len);
    }

    private void checkExtensions(byte[] exact, byte[] big) {
        if (!extensions.wrap(packet)) {
            int profile = packet.extensionProfile();
            assertThat(profile != RtpHeaderExtensions.ONE_BYTE_PROFILE
                    && (profile & RtpHeaderExtensions.TWO_BYTE_PROFILE_MASK) != RtpHeaderExtensions.TWO_BYTE_PROFILE)
                    .isTrue();
            return;
        }
        int start = packet.extensionDataOffset();
        int end = start + packet.extensionDataLength();
        boolean twoByte = extensions.isTwoByte();
        int steps = 0;
        int firstOffset = -1;
        int firstLength = 0;
        int firstId = 0;
        while (extensions.next()) {
            assertThat(++steps).isLessThanOrEqualTo(packet.extensionDataLength());
            int headerSize = twoByte ? 2 : 1;
            assertThat(extensions.dataOffset()).isBetween(start + headerSize, end);
            assertThat(extensions.dataOffset() + extensions.dataLength()).isLessThanOrEqualTo(end);
            if (twoByte) {
                assertThat(extensions.id()).isBetween(1, RtpHeaderExtensions.TWO_BYTE_MAX_ID);
                assertThat(extensions.dataLength()).isBetween(0, RtpHeaderExtensions.TWO_BYTE_MAX_LENGTH);
            } else {
                assertThat(extensions.id()).isBetween(1, RtpHeaderExtensions.ONE_BYTE_MAX_ID);
                assertThat(extensions.dataLength()).isBetween(1, RtpHeaderExtensions.ONE_BYTE_MAX_LENGTH);
            }
            int off = extensions.dataOffset();
            int n = extensions.dataLength();
            AbsSendTimeExtension.read(exact, off, n);
            TransportSequenceExtension.read(exact, off, n);
            AudioLevelExtension.level(exact, off, n);
            AudioLevelExtension.voiceActivity(exact, off, n);
            SdesValueExtension.read(exact, off, n);
            SdesValueExtension.equalsAscii(exact, off, n, "0");
            if (firstOffset < 0) {
                firstOffset = off;
                firstLength = n;
                firstId = extensions.id();
            }
        }
        if (firstOffset < 0) {
            return;
        }
        assertThat(extensions.find(firstId)).isTrue();
        assertThat(extensions.dataOffset()).isEqualTo(firstOffset);

        // remove() pads out exactly the element (header and data); the packet stays valid
        int elementStart = SHIFT + firstOffset - (twoByte ? 2 : 1);
        int elementEnd = SHIFT + firstOffset + firstLength;
        byte[] before = big.clone();
        RtpHeaderExtensions onBig = new RtpHeaderExtensions();
        assertThat(onBig.wrap(shifted)).isTrue();
        assertThat(onBig.find(firstId)).isTrue();
        assertThat(onBig.remove()).isTrue();
        for (int k = 0; k < big.length; k++) {
            if (k >= elementStart && k < elementEnd) {
                assertThat(big[k]).as("removed byte %d", k).isZero();
            } else {
                assertThat(big[k]).as("byte %d outside the element", k).isEqualTo(before[k]);
            }
        }
        System.arraycopy(before, 0, big, 0, big.length);
    }

    private void checkPayload(byte[] buf, int off, int len) {
        if (vp8.wrap(buf, off, len)) {
            assertThat(vp8.descriptorLength()).isBetween(1, len - 1);
            vp8.pictureId();
            vp8.tl0PicIdx();
            vp8.temporalId();
            vp8.keyIndex();
            vp8.isKeyframe();
            vp8.partitionIndex();
        }
        H264Payload.nalType(buf, off, len);
        H264Payload.isKeyframe(buf, off, len);
        boolean vp9Key = Vp9PayloadDescriptor.isKeyframe(buf, off, len);
        if (vp9.wrap(buf, off, len)) {
            // the flyweight agrees with the static reader, and every field it gives lies inside the descriptor
            assertThat(vp9.descriptorLength()).isEqualTo(Vp9PayloadDescriptor.length(buf, off, len)).isBetween(1, len);
            assertThat(vp9.isKeyframe()).isEqualTo(vp9Key);
            assertThat(vp9.pictureId()).isBetween(-1, Vp9PayloadDescriptor.PICTURE_ID_MODULUS_15 - 1);
            assertThat(vp9.temporalId()).isBetween(-1, 7);
            assertThat(vp9.spatialId()).isBetween(0, 7);
            assertThat(vp9.tl0PicIdx()).isBetween(-1, 255);
            vp9.switchingUp();
            vp9.interLayerDependent();
            vp9.endsFrame();
            assertThat(vp9.scalabilityLayers()).isBetween(0, 8);
            for (int s = 0; vp9.hasLayerSizes() && s < vp9.scalabilityLayers(); s++) {
                vp9.layerWidth(s);
                vp9.layerHeight(s);
            }
        } else {
            assertThat(Vp9PayloadDescriptor.length(buf, off, len)).isEqualTo(-1);
        }
        Av1AggregationHeader.isKeyframe(buf, off, len);
        assertThat(Rtx.originalSequenceNumber(packet) < 0).isEqualTo(len < Rtx.OSN_LENGTH);
    }

    /** Unwrapping as RTX shrinks the packet by the OSN and writes nothing outside it. */
    private void checkRtxUnwrap(byte[] big, int len) {
        byte[] before = big.clone();
        int result = Rtx.unwrapInPlace(shifted, 97, 0x1234);
        if (result < 0) {
            assertThat(result).isEqualTo(-1);
            assertThat(big).isEqualTo(before);
            return;
        }
        assertThat(result).isEqualTo(len - Rtx.OSN_LENGTH);
        assertThat(shifted.length()).isEqualTo(result);
        assertThat(shifted.buffer()).isSameAs(big);
        assertThat(Arrays.copyOfRange(big, 0, SHIFT)).isEqualTo(Arrays.copyOfRange(before, 0, SHIFT));
        assertThat(Arrays.copyOfRange(big, SHIFT + len, big.length))
                .isEqualTo(Arrays.copyOfRange(before, SHIFT + len, big.length));
    }
}
