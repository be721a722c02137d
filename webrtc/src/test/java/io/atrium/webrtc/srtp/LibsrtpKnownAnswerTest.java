package io.atrium.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * End-to-end known answers from master key to wire bytes, published in libsrtp's
 * {@code test/srtp_driver.c} ({@code srtp_validate} and {@code srtp_validate_gcm}): SSRC cafebabe,
 * sequence 0x1234, ROC 0, SRTCP index 1. They pin RFC 3711 section 4.3 key derivation for both
 * salt sizes (14 octets, and RFC 7714 section 11's 12 octets) together with the packet transforms.
 */
class LibsrtpKnownAnswerTest {
    private static final byte[] RTP = Hex.bytes("800f1234decafbadcafebabe" + "ab".repeat(16));
    private static final byte[] RTCP = Hex.bytes("81c8000bcafebabe" + "ab".repeat(16));

    private static final byte[] CM_KEY = Hex.bytes("e1f97a0d3e018be0d64fa32c06de4139");
    private static final byte[] CM_SALT = Hex.bytes("0ec675ad498afeebb6960b3aabe6");
    private static final byte[] CM_SRTP = Hex.bytes("""
            800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb""");
    private static final byte[] CM_SRTCP = Hex.bytes("""
            81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798""");

    private static final byte[] GCM_KEY = Hex.bytes("000102030405060708090a0b0c0d0e0f");
    private static final byte[] GCM_SALT = Hex.bytes("a0a1a2a3a4a5a6a7a8a9aaab");
    private static final byte[] GCM_SRTP = Hex.bytes("""
            800f1234decafbadcafebabec5002ede04cfdd2eb91159e0880aa06ed2976826f796b201df3131a127e8a392""");
    private static final byte[] GCM_SRTCP = Hex.bytes("""
            81c8000bcafebabec98b8b5df0392a55852b6c21ac8e7025c52c6fbea2b3b446ea31123ba88ce61e80000001""");

    @Test
    void aesCmHmacSha1_80() {
        check(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80, CM_KEY, CM_SALT, CM_SRTP, CM_SRTCP);
    }

    @Test
    void aeadAes128Gcm() {
        check(SrtpProfile.SRTP_AEAD_AES_128_GCM, GCM_KEY, GCM_SALT, GCM_SRTP, GCM_SRTCP);
    }

    private static void check(SrtpProfile profile, byte[] key, byte[] salt, byte[] srtp, byte[] srtcp) {
        SrtpContext sender = new SrtpContext(profile, key, salt);
        byte[] rtp = Arrays.copyOf(RTP, 64);
        assertThat(sender.protectRtp(rtp, 0, RTP.length)).isEqualTo(srtp.length);
        assertThat(Arrays.copyOf(rtp, srtp.length)).isEqualTo(srtp);

        byte[] first = Arrays.copyOf(RTCP, 64);
        assertThat(sender.protectRtcp(first, 0, RTCP.length)).isPositive(); // SRTCP index 0
        byte[] rtcp = Arrays.copyOf(RTCP, 64);
        assertThat(sender.protectRtcp(rtcp, 0, RTCP.length)).isEqualTo(srtcp.length); // index 1
        assertThat(Arrays.copyOf(rtcp, srtcp.length)).isEqualTo(srtcp);

        SrtpContext receiver = new SrtpContext(profile, key, salt);
        byte[] in = srtp.clone();
        assertThat(receiver.unprotectRtp(in, 0, in.length)).isEqualTo(RTP.length);
        assertThat(Arrays.copyOf(in, RTP.length)).isEqualTo(RTP);
        in = srtcp.clone();
        assertThat(receiver.unprotectRtcp(in, 0, in.length)).isEqualTo(RTCP.length);
        assertThat(Arrays.copyOf(in, RTCP.length)).isEqualTo(RTCP);
    }
}
