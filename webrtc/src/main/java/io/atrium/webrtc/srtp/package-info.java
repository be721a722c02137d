/**
 * SRTP and SRTCP (RFC 3711) with the DTLS-SRTP profiles SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764) and
 * SRTP_AEAD_AES_128_GCM (RFC 7714), on the JDK's crypto providers only.
 *
 * <p>Entry points: {@link io.atrium.webrtc.srtp.SrtpContexts#forClient} / {@code forServer} split the
 * DTLS exported keying material (RFC 5764 section 4.2) into an outbound and an inbound
 * {@link io.atrium.webrtc.srtp.SrtpContext}; each context protects or unprotects RTP and RTCP in
 * place and reports bad packets as negative {@link io.atrium.webrtc.srtp.SrtpError} codes.
 *
 * <p>Hot path: no allocation per packet once every SSRC has been seen, verified by a test. AES runs
 * through one JCA {@code AES/CTR/NoPadding} cipher per session key, re-initialised per packet with
 * reused key and counter objects so that {@code init} allocates nothing; it serves AES-CM and GCM.
 * GHASH is table-driven Java (four blocks per reduction), HMAC-SHA1 is composed from two JCA
 * {@code SHA-1} digests. JCA {@code AES/GCM} and {@code Mac} would allocate on every packet, and
 * JCA GCM refuses to re-init for encryption with its last key and IV; here nonce uniqueness comes
 * from SRTP's index bookkeeping instead, and the sender refuses to reuse an index. Contexts are
 * thread-confined.
 */
package io.atrium.webrtc.srtp;
