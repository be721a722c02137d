package io.atrium.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * RFC 7714 sections 16 and 17, byte for byte. The RFC publishes session keys (no master key), so
 * the transform is built from them directly; section 11's KDF is covered by {@link LibsrtpKnownAnswerTest}.
 */
class Rfc7714VectorsTest {
    private static final byte[] KEY_128 = Hex.bytes("000102030405060708090a0b0c0d0e0f");
    private static final byte[] KEY_256 = Hex.bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] SALT = Hex.bytes("517569642070726f2071756f");

    /** Section 16: 12-octet header and "Gallia est omnis divisa in partes tres". */
    private static final byte[] RTP = Hex.bytes("""
            8040f17b 8041f8d3 5501a0b2 47616c6c
            69612065 7374206f 6d6e6973 20646976
            69736120 696e2070 61727465 73207472
            6573""");
    /** Section 16.1.1, "Encrypted and tagged packet". */
    private static final byte[] SRTP_128 = Hex.bytes("""
            8040f17b 8041f8d3 5501a0b2 f24de3a3
            fb34de6c acba861c 9d7e4bca be633bd5
            0d294e6f 42a5f47a 51c7d19b 36de3adf
            8833899d 7f27beb1 6a9152cf 765ee439
            0cce""");
    /** Section 16.2.1, "Encrypted and tagged packet" (AES-256). */
    private static final byte[] SRTP_256 = Hex.bytes("""
            8040f17b 8041f8d3 5501a0b2 32b1de78
            a822fe12 ef9f78fa 332e33aa b1801238
            9a58e2f3 b50b2a02 76ffae0f 1ba63799
            b87b7aa3 db36dfff d6b0f9bb 7878d7a7
            6c13""");
    /** Sections 17.1-17.4, the RTCP packet, SRTCP index 000005d4. */
    private static final byte[] RTCP = Hex.bytes("""
            81c8000d 4d617273 4e545031 4e545032
            52545020 0000042a 0000e930 4c756e61
            deadbeef deadbeef deadbeef deadbeef
            deadbeef""");
    private static final int SRTCP_INDEX = 0x5d4;
    private static final int MARS = 0x4d617273;
    /** Section 17.1, "Encrypted and tagged packet". */
    private static final byte[] SRTCP_128 = Hex.bytes("""
            81c8000d 4d617273 63e94885 dcdab67c
            a727d766 2f6b7e99 7ff5c0f7 6c06f32d
            c676a5f1 730d6fda 4ce09b46 86303ded
            0bb9275b c84aa458 96cf4d2f c5abf872
            45d9eade 800005d4""");
    /** Section 17.2, "Decrypting the following packet" (AES-256). */
    private static final byte[] SRTCP_256 = Hex.bytes("""
            81c8000d 4d617273 d50ae4d1 f5ce5d30
            4ba297e4 7d470c28 2c3ece5d bffe0a50
            a2eaa5c1 110555be 8415f658 c61de047
            6f1b6fad 1d1eb30c 4446839f 57ff6f6c
            b26ac3be 800005d4""");
    /** Section 17.3, "Tagged packet" (E = 0, AES-128). */
    private static final byte[] SRTCP_TAGGED_128 = Hex.bytes("""
            81c8000d 4d617273 4e545031 4e545032
            52545020 0000042a 0000e930 4c756e61
            deadbeef deadbeef deadbeef deadbeef
            deadbeef 841dd968 3dd78ec9 2ae58790
            125f62b3 000005d4""");
    /** Section 17.4, "Verifying the following packet" (E = 0, AES-256). */
    private static final byte[] SRTCP_TAGGED_256 = Hex.bytes("""
            81c8000d 4d617273 4e545031 4e545032
            52545020 0000042a 0000e930 4c756e61
            deadbeef deadbeef deadbeef deadbeef
            deadbeef 91db4afb feee5a97 8fab4393
            ed2615fe 000005d4""");

    @Test
    void rtpIvSection16() {
        byte[] iv = new byte[12];
        AesGcmTransform.formRtpIv(SALT, 0x5501a0b2, 0xf17b, iv);
        assertThat(iv).isEqualTo(Hex.bytes("51 75 3c 65 80 c2 72 6f 20 71 84 14"));
    }

    @Test
    void rtcpIvSection17() {
        byte[] iv = new byte[12];
        AesGcmTransform.formRtcpIv(SALT, MARS, SRTCP_INDEX, iv);
        assertThat(iv).isEqualTo(Hex.bytes("51 75 24 05 52 03 72 6f 20 71 70 bb"));
    }

    @Test
    void srtpEncryption16_1_1ThroughTheContext() {
        SrtpContext sender = context(KEY_128);
        byte[] buf = Arrays.copyOf(RTP, RTP.length + 16);
        assertThat(sender.protectRtp(buf, 0, RTP.length)).isEqualTo(SRTP_128.length);
        assertThat(buf).isEqualTo(SRTP_128);
    }

    @Test
    void srtpDecryption16_1_2ThroughTheContext() {
        byte[] buf = SRTP_128.clone();
        assertThat(context(KEY_128).unprotectRtp(buf, 0, buf.length)).isEqualTo(RTP.length);
        assertThat(Arrays.copyOf(buf, RTP.length)).isEqualTo(RTP);
    }

    @Test
    void srtpAes256Encryption16_2_1AndDecryption16_2_2() {
        AesGcmTransform transform = new AesGcmTransform(KEY_256, SALT);
        byte[] buf = Arrays.copyOf(RTP, RTP.length + 16);
        assertThat(transform.protectRtp(buf, 0, RTP.length, 12, 0x5501a0b2, 0xf17b)).isEqualTo(SRTP_256.length);
        assertThat(buf).isEqualTo(SRTP_256);
        assertThat(transform.unprotectRtp(buf, 0, buf.length, 12, 0x5501a0b2, 0xf17b)).isEqualTo(RTP.length);
        assertThat(Arrays.copyOf(buf, RTP.length)).isEqualTo(RTP);
    }

    @Test
    void srtcpEncryptionAndTagging17_1() {
        AesGcmTransform transform = new AesGcmTransform(KEY_128, SALT);
        byte[] buf = Arrays.copyOf(RTCP, RTCP.length + 20);
        assertThat(transform.protectRtcp(buf, 0, RTCP.length, MARS, SRTCP_INDEX)).isEqualTo(SRTCP_128.length);
        assertThat(buf).isEqualTo(SRTCP_128);
    }

    @Test
    void srtcp17_1PacketUnprotectsThroughTheContext() {
        byte[] buf = SRTCP_128.clone();
        assertThat(context(KEY_128).unprotectRtcp(buf, 0, buf.length)).isEqualTo(RTCP.length);
        assertThat(Arrays.copyOf(buf, RTCP.length)).isEqualTo(RTCP);
    }

    @Test
    void srtcpAes256VerificationAndDecryption17_2() {
        byte[] buf = SRTCP_256.clone();
        // AEAD_AES_256_GCM is not an Atrium profile; the context only adds ESRTCP parsing and replay state here.
        SrtpContext receiver = new SrtpContext(SrtpProfile.SRTP_AEAD_AES_128_GCM,
                new AesGcmTransform(KEY_256, SALT), new AesGcmTransform(KEY_256, SALT));
        assertThat(receiver.unprotectRtcp(buf, 0, buf.length)).isEqualTo(RTCP.length);
        assertThat(Arrays.copyOf(buf, RTCP.length)).isEqualTo(RTCP);
    }

    @Test
    void srtcpTaggedOnly17_3VerifiesWithEFlagClearAndStaysPlain() {
        byte[] buf = SRTCP_TAGGED_128.clone();
        assertThat(context(KEY_128).unprotectRtcp(buf, 0, buf.length)).isEqualTo(RTCP.length);
        assertThat(Arrays.copyOf(buf, RTCP.length)).isEqualTo(RTCP);
    }

    @Test
    void srtcpTaggedOnly17_4Aes256() {
        byte[] buf = SRTCP_TAGGED_256.clone();
        AesGcmTransform transform = new AesGcmTransform(KEY_256, SALT);
        assertThat(transform.unprotectRtcp(buf, 0, buf.length, MARS, false, SRTCP_INDEX)).isEqualTo(RTCP.length);
        assertThat(Arrays.copyOf(buf, RTCP.length)).isEqualTo(RTCP);
    }

    @Test
    void flippingTheEFlagOfATaggedOnlyPacketFailsAuthentication() {
        byte[] buf = SRTCP_TAGGED_128.clone();
        buf[buf.length - 4] |= (byte) 0x80;
        assertThat(context(KEY_128).unprotectRtcp(buf, 0, buf.length)).isEqualTo(SrtpError.AUTH_FAILED);
    }

    @Test
    void everyAlteredOctetOfTheRfcPacketsFailsAuthentication() {
        for (byte[] vector : new byte[][] {SRTP_128, SRTCP_128}) {
            for (int i = 0; i < vector.length; i++) {
                byte[] buf = vector.clone();
                buf[i] ^= 0x01;
                SrtpContext receiver = context(KEY_128);
                int result = vector == SRTP_128 ? receiver.unprotectRtp(buf, 0, buf.length)
                        : receiver.unprotectRtcp(buf, 0, buf.length);
                // octet 0 carries the version bits: 0x80 -> 0x81 flips CC/RC, still V=2
                assertThat(result).as("octet %d", i).isNegative();
            }
        }
    }

    private static SrtpContext context(byte[] key) {
        return new SrtpContext(SrtpProfile.SRTP_AEAD_AES_128_GCM,
                new AesGcmTransform(key, SALT), new AesGcmTransform(key, SALT));
    }
}
