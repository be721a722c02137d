package io.atrium.webrtc.dtls;

import io.atrium.webrtc.util.Bytes;

/**
 * Checks the record framing of a received DTLS 1.2 datagram before BouncyCastle's record layer sees it
 * (RFC 6347 section 4.1). A datagram carries one or more records, back to back:
 * <pre>
 *    0        1        2        3        4        5 ...     10       11       12
 *   +--------+--------+--------+--------+--------+--- ... ---+--------+--------+---------------
 *   |  type  | major  | minor  |      epoch      |  sequence_number  |     length      | fragment
 *   +--------+--------+--------+--------+--------+--- ... ---+--------+--------+---------------
 *    20..23    0xFE   0xFD/0xFF    0 or 1           48 bits             1 .. rest       length bytes
 * </pre>
 *
 * <p>RFC 6347 section 4.1.2.7 says invalid records are silently discarded; an attacker who can reach the
 * port must never be able to end an association with one datagram. BouncyCastle discards most invalid
 * records itself, but a record in an encrypted epoch that is too short to hold the AEAD explicit nonce and
 * tag makes it raise a fatal decode_error alert and close the association on both sides. So a datagram is
 * dropped whole, before any of it is processed, unless every record in it:
 * <ul>
 *   <li>has a full 13-byte header and a declared length that ends inside the datagram, the last record
 *       ending exactly at the datagram's end (no trailing bytes);</li>
 *   <li>has content type change_cipher_spec(20), alert(21), handshake(22) or application_data(23)
 *       (RFC 5246 section 6.2.1); heartbeat (RFC 6520) and tls12_cid (RFC 9146) are never negotiated;</li>
 *   <li>carries DTLS 1.2 (0xFEFD) or, in a first flight, DTLS 1.0 (0xFEFF) version bytes (RFC 6347 section 4.2.1);</li>
 *   <li>is in epoch 0 or 1: an association does one handshake and never renegotiates;</li>
 *   <li>is not empty (RFC 5246 section 6.2.1 forbids empty handshake, alert and change_cipher_spec
 *       fragments; application data only flows encrypted), and in epoch 1 holds at least
 *       {@link #MIN_ENCRYPTED_FRAGMENT_LENGTH} bytes.</li>
 * </ul>
 * Records that pass can still be forged; BouncyCastle discards those that fail authentication
 * (bad_record_mac), replays, and plaintext records after the handshake. Allocates nothing.
 */
final class DtlsRecordFilter {

    /** A DTLS record header is 13 bytes (RFC 6347 section 4.1). */
    static final int RECORD_HEADER_LENGTH = 13;
    /** Highest epoch accepted: 0 is plaintext, 1 the cipher of the one and only handshake. */
    static final int MAX_EPOCH = 1;
    /** AES-GCM explicit nonce carried in every encrypted record (RFC 5288 section 3). */
    static final int GCM_EXPLICIT_NONCE_LENGTH = 8;
    /** AES-GCM authentication tag (RFC 5288 section 3: 16 bytes). */
    static final int GCM_TAG_LENGTH = 16;
    /**
     * Shortest fragment of an encrypted record: explicit nonce plus tag, for an empty plaintext. Every
     * suite in {@link HandshakeContext#CIPHER_SUITES} is AES-GCM, so this holds whichever is negotiated.
     */
    static final int MIN_ENCRYPTED_FRAGMENT_LENGTH = GCM_EXPLICIT_NONCE_LENGTH + GCM_TAG_LENGTH;

    private static final int CHANGE_CIPHER_SPEC = 20;
    private static final int APPLICATION_DATA = 23;
    private static final int DTLS_MAJOR = 0xFE;
    private static final int DTLS_1_2_MINOR = 0xFD;
    private static final int DTLS_1_0_MINOR = 0xFF;

    private DtlsRecordFilter() {
    }

    /**
     * True if {@code buf[off .. off+len)} is a sequence of well-framed records that BouncyCastle may
     * process; false (drop the datagram) otherwise, including for out-of-range arguments.
     */
    static boolean isWellFramed(byte[] buf, int off, int len) {
        if (!Bytes.inBounds(buf, off, len) || len < RECORD_HEADER_LENGTH) {
            return false;
        }
        int pos = off;
        int end = off + len;
        while (pos < end) {
            int recordLength = recordLength(buf, pos, end - pos);
            if (recordLength < 0) {
                return false;
            }
            pos += recordLength;
        }
        return true;
    }

    /** Header plus fragment length of the record at {@code pos}, or -1 if it is malformed. */
    private static int recordLength(byte[] buf, int pos, int remaining) {
        if (remaining < RECORD_HEADER_LENGTH) {
            return -1;
        }
        int type = buf[pos] & 0xFF;
        int major = buf[pos + 1] & 0xFF;
        int minor = buf[pos + 2] & 0xFF;
        int epoch = Bytes.u16(buf, pos + 3);
        int fragment = Bytes.u16(buf, pos + 11);
        boolean valid = type >= CHANGE_CIPHER_SPEC && type <= APPLICATION_DATA
                && major == DTLS_MAJOR && (minor == DTLS_1_2_MINOR || minor == DTLS_1_0_MINOR)
                && epoch <= MAX_EPOCH
                && fragment >= (epoch == 0 ? 1 : MIN_ENCRYPTED_FRAGMENT_LENGTH)
                && fragment <= remaining - RECORD_HEADER_LENGTH;
        return valid ? RECORD_HEADER_LENGTH + fragment : -1;
    }
}
