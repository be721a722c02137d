/**
 * SRTP and SRTCP (RFC 3711) with the DTLS-SRTP profiles SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764) and
 * SRTP_AEAD_AES_128_GCM (RFC 7714), on the JDK's crypto providers only.
 *
 * <p>Entry points: {@link io.atrium.webrtc.srtp.SrtpContexts#forClient} / {@code forServer} split the
 * DTLS exported keying material (RFC 5764 section 4.2) into an outbound and an inbound
 * {@link io.atrium.webrtc.srtp.SrtpContext}; each context protects or unprotects RTP and RTCP in
 * place and reports bad packets as negative {@link io.atrium.webrtc.srtp.SrtpError} codes.
 *
 * <p>Hot path: no allocation per packet once every SSRC has been seen, with either profile, verified by tests.
 * AES-CM runs on the JDK's own counter-mode engine per session key ({@link io.atrium.webrtc.srtp.JdkCounterMode}:
 * key schedule built once, only the counter block reset per packet, in place), where the launcher opens
 * {@code java.base/com.sun.crypto.provider}; otherwise through one JCA {@code AES/CTR/NoPadding} cipher per session
 * key, re-initialised per packet with reused key and counter objects so that {@code init} allocates nothing; HMAC-SHA1 is composed from two JCA
 * {@code SHA-1} digests ({@code Mac} would allocate). AES-GCM is composed the same way from that counter mode and the
 * JDK's own PCLMULQDQ GHASH ({@link io.atrium.webrtc.srtp.JdkGhash}, reached where the launcher opens
 * {@code java.base/com.sun.crypto.provider}, as Atrium's jar does): about a third of AES-CM's CPU per 1200-octet
 * packet, so {@link io.atrium.webrtc.srtp.SrtpProfile#preferred()} puts it first. Where the package is not opened, GCM
 * runs on the JDK's {@code AES/GCM/NoPadding} (about 1 kB of garbage per packet) and AES-CM comes first
 * (docs/PERFORMANCE.md, "AES-GCM without garbage"). Contexts are thread-confined.
 */
package io.atrium.webrtc.srtp;
