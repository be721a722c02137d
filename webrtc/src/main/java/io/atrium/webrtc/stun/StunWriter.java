package io.atrium.webrtc.stun;

import io.atrium.webrtc.util.Bytes;

import java.net.InetSocketAddress;

/**
 * Builds a STUN message (RFC 8489 sections 5 and 14) into a caller-owned buffer. Usage:
 *
 * <pre>{@code
 * int len = writer.start(out, 0, StunMessage.BINDING_SUCCESS_RESPONSE, txId, 0)
 *         .addXorMappedAddress(ip, port)
 *         .addMessageIntegrity(key)
 *         .addFingerprint()
 *         .length();
 * }</pre>
 *
 * The header length field is kept up to date after every attribute, values are padded to 32 bits with zero
 * bytes, MESSAGE-INTEGRITY covers everything written before it, and FINGERPRINT must come last. One instance
 * is reused across messages and allocates nothing per message once its HMAC key is set. Running out of room in
 * the buffer is a programmer error and throws {@link IllegalStateException}; size buffers for the largest
 * message you build. Not thread-safe.
 */
public final class StunWriter {
    private final MessageIntegrity integrity = new MessageIntegrity();
    private final Fingerprint fingerprint = new Fingerprint();

    /**
     * Padding byte. RFC 8489 requires zero; RFC 5389 allowed any value and the RFC 5769 test vectors pad with
     * spaces, so tests set this to reproduce them byte for byte.
     */
    byte paddingByte;

    private byte[] buf;
    private int start;
    private int pos;
    private boolean fingerprinted;

    /**
     * Writes the 20-byte header of a message of {@code messageType} with the transaction id at
     * {@code txId[txOff..txOff+12)} into {@code buf} at {@code off}, and begins a new message there.
     */
    public StunWriter start(byte[] buf, int off, int messageType, byte[] txId, int txOff) {
        if ((messageType & ~0x3FFF) != 0) {
            throw new IllegalArgumentException("message type has more than 14 bits: " + messageType);
        }
        if (off < 0 || buf.length - off < StunMessage.HEADER_LENGTH) {
            throw new IllegalStateException("buffer too small for a STUN header at offset " + off);
        }
        this.buf = buf;
        this.start = off;
        this.pos = off + StunMessage.HEADER_LENGTH;
        this.fingerprinted = false;
        Bytes.put16(buf, off, messageType);
        Bytes.put16(buf, off + 2, 0);
        Bytes.put32(buf, off + 4, StunMessage.MAGIC_COOKIE);
        System.arraycopy(txId, txOff, buf, off + StunMessage.TRANSACTION_ID_OFFSET, StunMessage.TRANSACTION_ID_LENGTH);
        return this;
    }

    /** Total bytes of the message written so far (header included). */
    public int length() {
        return pos - start;
    }

    /** Adds any attribute from raw value bytes. */
    public StunWriter addAttribute(int type, byte[] value, int valueOff, int valueLen) {
        int v = begin(type, valueLen);
        System.arraycopy(value, valueOff, buf, v, valueLen);
        return end(valueLen);
    }

    /** Adds XOR-MAPPED-ADDRESS for {@code ip} (4 or 16 bytes) and {@code port}. */
    public StunWriter addXorMappedAddress(byte[] ip, int port) {
        int v = begin(StunAttributeType.XOR_MAPPED_ADDRESS, 4 + addressLength(ip));
        return end(XorMappedAddress.write(buf, start, v, ip, port));
    }

    /** Adds XOR-MAPPED-ADDRESS for a resolved socket address; allocates a copy of the address bytes. */
    public StunWriter addXorMappedAddress(InetSocketAddress address) {
        return addXorMappedAddress(address.getAddress().getAddress(), address.getPort());
    }

    /** Adds MAPPED-ADDRESS for {@code ip} (4 or 16 bytes) and {@code port}. */
    public StunWriter addMappedAddress(byte[] ip, int port) {
        int v = begin(StunAttributeType.MAPPED_ADDRESS, 4 + addressLength(ip));
        return end(MappedAddress.write(buf, v, ip, port));
    }

    /** Adds USERNAME from UTF-8 bytes. */
    public StunWriter addUsername(byte[] utf8, int off, int len) {
        if (len > StunAttributeType.MAX_USERNAME_LENGTH) {
            throw new IllegalArgumentException("USERNAME longer than " + StunAttributeType.MAX_USERNAME_LENGTH);
        }
        return addAttribute(StunAttributeType.USERNAME, utf8, off, len);
    }

    /** Adds SOFTWARE from UTF-8 bytes. */
    public StunWriter addSoftware(byte[] utf8, int off, int len) {
        if (len > StunAttributeType.MAX_SOFTWARE_LENGTH) {
            throw new IllegalArgumentException("SOFTWARE longer than " + StunAttributeType.MAX_SOFTWARE_LENGTH);
        }
        return addAttribute(StunAttributeType.SOFTWARE, utf8, off, len);
    }

    /** Adds ERROR-CODE with the library's standard reason phrase for {@code code} (empty if none). */
    public StunWriter addErrorCode(int code) {
        byte[] reason = ErrorCode.defaultReason(code);
        return addErrorCode(code, reason, 0, reason.length);
    }

    /** Adds ERROR-CODE with a UTF-8 reason phrase. */
    public StunWriter addErrorCode(int code, byte[] reason, int reasonOff, int reasonLen) {
        if (!ErrorCode.isValidCode(code) || reasonLen < 0 || reasonLen > ErrorCode.MAX_REASON_LENGTH) {
            throw new IllegalArgumentException("bad ERROR-CODE " + code + " or reason length " + reasonLen);
        }
        int v = begin(StunAttributeType.ERROR_CODE, ErrorCode.MIN_VALUE_LENGTH + reasonLen);
        return end(ErrorCode.write(buf, v, code, reason, reasonOff, reasonLen));
    }

    /** Adds UNKNOWN-ATTRIBUTES listing the first {@code count} entries of {@code types}. */
    public StunWriter addUnknownAttributes(int[] types, int count) {
        if (count < 0 || count > types.length) {
            throw new IllegalArgumentException("count out of range: " + count);
        }
        int v = begin(StunAttributeType.UNKNOWN_ATTRIBUTES, 2 * count);
        return end(UnknownAttributes.write(buf, v, types, count));
    }

    /** Adds PRIORITY (an unsigned 32-bit value). */
    public StunWriter addPriority(long priority) {
        if (priority < 0 || priority > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("priority out of unsigned 32-bit range: " + priority);
        }
        int v = begin(StunAttributeType.PRIORITY, IceAttributes.PRIORITY_LENGTH);
        Bytes.put32(buf, v, (int) priority);
        return end(IceAttributes.PRIORITY_LENGTH);
    }

    /** Adds the USE-CANDIDATE flag. */
    public StunWriter addUseCandidate() {
        begin(StunAttributeType.USE_CANDIDATE, 0);
        return end(0);
    }

    /** Adds ICE-CONTROLLED with a 64-bit tie-breaker. */
    public StunWriter addIceControlled(long tieBreaker) {
        return addTieBreaker(StunAttributeType.ICE_CONTROLLED, tieBreaker);
    }

    /** Adds ICE-CONTROLLING with a 64-bit tie-breaker. */
    public StunWriter addIceControlling(long tieBreaker) {
        return addTieBreaker(StunAttributeType.ICE_CONTROLLING, tieBreaker);
    }

    private StunWriter addTieBreaker(int type, long tieBreaker) {
        int v = begin(type, IceAttributes.TIE_BREAKER_LENGTH);
        Bytes.put64(buf, v, tieBreaker);
        return end(IceAttributes.TIE_BREAKER_LENGTH);
    }

    /** Adds MESSAGE-INTEGRITY computed with {@code key} over everything written so far (RFC 8489 section 14.5). */
    public StunWriter addMessageIntegrity(byte[] key) {
        integrity.key(key);
        int attrOff = pos;
        int v = begin(StunAttributeType.MESSAGE_INTEGRITY, MessageIntegrity.VALUE_LENGTH);
        integrity.compute(buf, start, attrOff, buf, v);
        return end(MessageIntegrity.VALUE_LENGTH);
    }

    /** Adds FINGERPRINT, which must be the last attribute (RFC 8489 section 14.7). */
    public StunWriter addFingerprint() {
        int attrOff = pos;
        int v = begin(StunAttributeType.FINGERPRINT, Fingerprint.VALUE_LENGTH);
        end(Fingerprint.VALUE_LENGTH);
        Bytes.put32(buf, v, fingerprint.compute(buf, start, attrOff - start));
        fingerprinted = true;
        return this;
    }

    /** Checks room, writes the TLV header and the message length the message will have after this attribute. */
    private int begin(int type, int valueLen) {
        if (buf == null) {
            throw new IllegalStateException("start() a message first");
        }
        if (fingerprinted) {
            throw new IllegalStateException("FINGERPRINT must be the last attribute");
        }
        int total = StunAttributeType.TLV_HEADER_LENGTH + StunAttributeType.padded(valueLen);
        if (valueLen > 0xFFFF || buf.length - pos < total) {
            throw new IllegalStateException("buffer too small: need " + total + " more bytes at " + pos);
        }
        Bytes.put16(buf, pos, type);
        Bytes.put16(buf, pos + 2, valueLen);
        Bytes.put16(buf, start + 2, pos + total - start - StunMessage.HEADER_LENGTH);
        return pos + StunAttributeType.TLV_HEADER_LENGTH;
    }

    private StunWriter end(int valueLen) {
        int v = pos + StunAttributeType.TLV_HEADER_LENGTH;
        int padded = StunAttributeType.padded(valueLen);
        for (int i = valueLen; i < padded; i++) {
            buf[v + i] = paddingByte;
        }
        pos = v + padded;
        return this;
    }

    private static int addressLength(byte[] ip) {
        if (ip == null || (ip.length != 4 && ip.length != 16)) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes");
        }
        return ip.length;
    }
}
