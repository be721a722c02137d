/**
 * DTLS 1.2 for WebRTC (RFC 6347, RFC 5763, RFC 8827 section 6.5) and DTLS-SRTP key export (RFC 5764),
 * on BouncyCastle's bctls, with no socket of its own.
 *
 * <pre>
 *   DtlsCertificate cert = DtlsCertificate.generate();              // once per process; a=fingerprint:
 *   String local = cert.fingerprint().toSdpValue();                 //   "sha-256 AB:CD:..."
 *   DtlsFingerprint remote = DtlsFingerprint.parse(sdpValue).orElseThrow(...);
 *
 *   DtlsEndpoint dtls = DtlsEndpoint.create(DtlsRole.SERVER, cert, remote, DtlsSettings.defaults(),
 *           (buf, off, len) -> socket.send(peer, buf, off, len), listener);
 *   dtls.start(executor).thenAccept(keys -> srtp.init(keys.profile(), keys.local(), keys.remote()));
 *   // socket thread, for every datagram whose first byte is 20..63 (RFC 7983):
 *   dtls.receive(buf, off, len);
 * </pre>
 *
 * <p>SRTP itself lives in {@code io.atrium.webrtc.srtp}; this package hands it a
 * {@link io.atrium.webrtc.dtls.SrtpKeyingMaterial}. The negotiated protection profiles are the
 * {@link io.atrium.webrtc.srtp.SrtpProfile} constants, the single definition shared by both packages.
 */
package io.atrium.webrtc.dtls;
