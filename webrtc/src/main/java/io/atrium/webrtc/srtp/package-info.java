/**
 * SRTP and SRTCP (RFC 3711) with the DTLS-SRTP profiles SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764) and
 * SRTP_AEAD_AES_128_GCM (RFC 7714), on the JDK's crypto providers only.
 *
 * <p>Entry points: {@link io.atrium.webrtc.srtp.SrtpContexts#forClient} / {@code forServer} split the
 * DTLS exported keying material (RFC 5764 section 4.2) into an outbound and an inbound
 * {@link io.atrium.webrtc.srtp.SrtpContext}; each context protects or unprotects RTP and RTCP in
 * place and reports bad packets as negative {@link io.atrium.webrtc.srtp.SrtpError} codes.
 *
 * <p>Hot path, SRTP_AES128_CM_HMAC_SHA1_80: no allocation per packet once every SSRC has been seen,
 * verified by a test. AES-CM runs through one JCA {@code AES/CTR/NoPadding} cipher per session key,
 * re-initialised per packet with reused key and counter objects so that {@code init} allocates
 * nothing; HMAC-SHA1 is composed from two JCA {@code SHA-1} digests ({@code Mac} would allocate).
 *
 * <p>SRTP_AEAD_AES_128_GCM runs on the JDK's {@code AES/GCM/NoPadding}: about 1 kB of short-lived
 * garbage per packet (its per-packet {@code init}), bounded and independent of the packet size, in
 * exchange for the CPU's carry-less-multiply GHASH, which no Java GHASH came close to (measured in
 * docs/PERFORMANCE.md, "SRTP: decision"). Contexts are thread-confined.
 */
package io.atrium.webrtc.srtp;
