package io.atrium.webrtc.stun;

import io.atrium.webrtc.util.Bytes;

import static io.atrium.webrtc.stun.StunAttributeType.ERROR_CODE;
import static io.atrium.webrtc.stun.StunAttributeType.FINGERPRINT;
import static io.atrium.webrtc.stun.StunAttributeType.ICE_CONTROLLED;
import static io.atrium.webrtc.stun.StunAttributeType.ICE_CONTROLLING;
import static io.atrium.webrtc.stun.StunAttributeType.MAPPED_ADDRESS;
import static io.atrium.webrtc.stun.StunAttributeType.MESSAGE_INTEGRITY;
import static io.atrium.webrtc.stun.StunAttributeType.PRIORITY;
import static io.atrium.webrtc.stun.StunAttributeType.SOFTWARE;
import static io.atrium.webrtc.stun.StunAttributeType.UNKNOWN_ATTRIBUTES;
import static io.atrium.webrtc.stun.StunAttributeType.USERNAME;
import static io.atrium.webrtc.stun.StunAttributeType.USE_CANDIDATE;
import static io.atrium.webrtc.stun.StunAttributeType.XOR_MAPPED_ADDRESS;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Validating STUN message reader, RFC 8489 sections 5, 6.3 and 14. One instance is reused for many datagrams:
 * {@link #parse} indexes the attributes of the buffer in place (no copies, no allocation) and the accessors
 * read from that buffer until the next {@code parse}. The buffer must not change in between.
 *
 * <p>{@code parse} returns {@code false}, never throws, for anything malformed: a datagram shorter than the
 * header, a first byte outside 0..3 (the first two bits must be zero, and RFC 7983 further reserves first bytes
 * 4 and up for other protocols on a WebRTC port), a wrong magic cookie, a length field that is not a multiple of 4 or does
 * not match the datagram, an attribute running past the end, an attribute after FINGERPRINT, a known
 * attribute with an illegal length or content, or more than {@link #MAX_ATTRIBUTES} attributes. As RFC 8489
 * section 14.5 says, attributes after MESSAGE-INTEGRITY other than FINGERPRINT are skipped (structurally
 * checked, not indexed). For repeated attributes the first occurrence wins.
 *
 * <p>Not thread-safe.
 */
public final class StunReader {
    /** Most attributes indexed in one message; a message with more is rejected as hostile. */
    public static final int MAX_ATTRIBUTES = 32;

    private final int[] types = new int[MAX_ATTRIBUTES];
    private final int[] valueOffsets = new int[MAX_ATTRIBUTES];
    private final int[] valueLengths = new int[MAX_ATTRIBUTES];
    private final int[] unknown = new int[UnknownAttributes.MAX_REPORTED];
    private final byte[] macScratch = new byte[MessageIntegrity.VALUE_LENGTH];
    private final MessageIntegrity integrity = new MessageIntegrity();
    private final Fingerprint fingerprint = new Fingerprint();

    private byte[] buf;
    private int off;
    private int length;
    private int count;
    private int unknownCount;
    private int integrityIndex;
    private int fingerprintIndex;
    private boolean valid;

    /** Validates and indexes the datagram of {@code len} bytes at {@code off}; false if it is not valid STUN. */
    public boolean parse(byte[] buf, int off, int len) {
        this.valid = false;
        this.count = 0;
        this.unknownCount = 0;
        this.integrityIndex = -1;
        this.fingerprintIndex = -1;
        if (!StunMessage.isStun(buf, off, len)) {
            return false;
        }
        int messageLength = Bytes.u16(buf, off + 2);
        if ((messageLength & 3) != 0 || messageLength + StunMessage.HEADER_LENGTH != len) {
            return false;
        }
        this.buf = buf;
        this.off = off;
        this.length = len;
        int end = off + len;
        int p = off + StunMessage.HEADER_LENGTH;
        while (p < end) {
            if (fingerprintIndex >= 0 || end - p < StunAttributeType.TLV_HEADER_LENGTH) {
                return false;
            }
            int type = Bytes.u16(buf, p);
            int valueLen = Bytes.u16(buf, p + 2);
            int valueOff = p + StunAttributeType.TLV_HEADER_LENGTH;
            if (StunAttributeType.padded(valueLen) > end - valueOff) {
                return false;
            }
            if (integrityIndex < 0 || type == FINGERPRINT) {
                if (count == MAX_ATTRIBUTES || !isWellFormed(type, valueOff, valueLen)) {
                    return false;
                }
                index(type, valueOff, valueLen);
            }
            p = valueOff + StunAttributeType.padded(valueLen);
        }
        this.valid = true;
        return true;
    }

    private void index(int type, int valueOff, int valueLen) {
        types[count] = type;
        valueOffsets[count] = valueOff;
        valueLengths[count] = valueLen;
        if (type == MESSAGE_INTEGRITY) {
            integrityIndex = count;
        } else if (type == FINGERPRINT) {
            fingerprintIndex = count;
        } else if (!StunAttributeType.isUnderstood(type) && unknownCount < unknown.length && !isRecordedUnknown(type)) {
            unknown[unknownCount++] = type;
        }
        count++;
    }

    private boolean isRecordedUnknown(int type) {
        for (int i = 0; i < unknownCount; i++) {
            if (unknown[i] == type) {
                return true;
            }
        }
        return false;
    }

    private boolean isWellFormed(int type, int valueOff, int valueLen) {
        switch (type) {
            case MAPPED_ADDRESS:
            case XOR_MAPPED_ADDRESS:
                return valueLen >= 4 && MappedAddress.isWellFormed(buf, valueOff, valueLen);
            case USERNAME:
                return valueLen <= StunAttributeType.MAX_USERNAME_LENGTH;
            case SOFTWARE:
                return valueLen <= StunAttributeType.MAX_SOFTWARE_LENGTH;
            case MESSAGE_INTEGRITY:
                return valueLen == MessageIntegrity.VALUE_LENGTH;
            case FINGERPRINT:
                return valueLen == Fingerprint.VALUE_LENGTH;
            case ERROR_CODE:
                return ErrorCode.isWellFormed(buf, valueOff, valueLen);
            case UNKNOWN_ATTRIBUTES:
                return (valueLen & 1) == 0;
            case PRIORITY:
                return valueLen == IceAttributes.PRIORITY_LENGTH;
            case USE_CANDIDATE:
                return valueLen == IceAttributes.USE_CANDIDATE_LENGTH;
            case ICE_CONTROLLED:
            case ICE_CONTROLLING:
                return valueLen == IceAttributes.TIE_BREAKER_LENGTH;
            default:
                return true;
        }
    }

    /** True if the last {@link #parse} succeeded; the accessors below are meaningful only then. */
    public boolean isValid() {
        return valid;
    }

    /** The buffer of the last parsed message. */
    public byte[] buffer() {
        return buf;
    }

    /** Offset of the last parsed message in {@link #buffer()}. */
    public int offset() {
        return off;
    }

    /** Total length of the last parsed message, header included. */
    public int length() {
        return length;
    }

    /** The 14-bit message type, e.g. {@link StunMessage#BINDING_REQUEST}. */
    public int messageType() {
        return Bytes.u16(buf, off);
    }

    /** The method of the message type. */
    public int method() {
        return StunMessage.method(messageType());
    }

    /** The class of the message type. */
    public int messageClass() {
        return StunMessage.messageClass(messageType());
    }

    /** Offset of the 12-byte transaction id in {@link #buffer()}. */
    public int transactionIdOffset() {
        return off + StunMessage.TRANSACTION_ID_OFFSET;
    }

    /** Copies the transaction id to {@code dst} at {@code dstOff}. */
    public void copyTransactionId(byte[] dst, int dstOff) {
        System.arraycopy(buf, transactionIdOffset(), dst, dstOff, StunMessage.TRANSACTION_ID_LENGTH);
    }

    /** Number of indexed attributes. */
    public int attributeCount() {
        return count;
    }

    /** Type of the {@code index}-th indexed attribute. */
    public int attributeType(int index) {
        return types[index];
    }

    /** Offset in {@link #buffer()} of the value of the {@code index}-th attribute. */
    public int valueOffset(int index) {
        return valueOffsets[index];
    }

    /** Unpadded value length of the {@code index}-th attribute. */
    public int valueLength(int index) {
        return valueLengths[index];
    }

    /** Index of the first attribute of {@code type}, or -1. */
    public int indexOf(int type) {
        for (int i = 0; i < count; i++) {
            if (types[i] == type) {
                return i;
            }
        }
        return -1;
    }

    /** True if an attribute of {@code type} is indexed. */
    public boolean has(int type) {
        return indexOf(type) >= 0;
    }

    /** Number of distinct comprehension-required types not understood (at most {@link UnknownAttributes#MAX_REPORTED}). */
    public int unknownComprehensionRequiredCount() {
        return unknownCount;
    }

    /** The {@code i}-th comprehension-required type not understood, in order of appearance. */
    public int unknownComprehensionRequired(int i) {
        if (i < 0 || i >= unknownCount) {
            throw new IndexOutOfBoundsException("unknown attribute index " + i + " of " + unknownCount);
        }
        return unknown[i];
    }

    /** Copies the unknown comprehension-required types to {@code dst}; returns how many. */
    public int copyUnknownComprehensionRequired(int[] dst) {
        int n = Math.min(unknownCount, dst.length);
        System.arraycopy(unknown, 0, dst, 0, n);
        return n;
    }

    /** True if USERNAME is present and equals {@code expected} byte for byte (no allocation). */
    public boolean usernameEquals(byte[] expected) {
        int i = indexOf(USERNAME);
        if (i < 0 || valueLengths[i] != expected.length) {
            return false;
        }
        int v = valueOffsets[i];
        for (int k = 0; k < expected.length; k++) {
            if (buf[v + k] != expected[k]) {
                return false;
            }
        }
        return true;
    }

    /** True if USERNAME is present and starts with {@code prefix} (no allocation). */
    public boolean usernameStartsWith(byte[] prefix) {
        int i = indexOf(USERNAME);
        if (i < 0 || valueLengths[i] < prefix.length) {
            return false;
        }
        int v = valueOffsets[i];
        for (int k = 0; k < prefix.length; k++) {
            if (buf[v + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    /** USERNAME decoded as UTF-8, or null; allocates. */
    public String username() {
        return string(USERNAME);
    }

    /** SOFTWARE decoded as UTF-8, or null; allocates. */
    public String software() {
        return string(SOFTWARE);
    }

    private String string(int type) {
        int i = indexOf(type);
        return i < 0 ? null : new String(buf, valueOffsets[i], valueLengths[i], StandardCharsets.UTF_8);
    }

    /** PRIORITY as an unsigned value, or -1 if absent. */
    public long priority() {
        int i = indexOf(PRIORITY);
        return i < 0 ? -1 : IceAttributes.priority(buf, valueOffsets[i]);
    }

    /** True if USE-CANDIDATE is present. */
    public boolean useCandidate() {
        return has(USE_CANDIDATE);
    }

    /** The ICE-CONTROLLED tie-breaker; check {@link #has} first. */
    public long iceControlled() {
        return IceAttributes.tieBreaker(buf, valueOffsets[require(ICE_CONTROLLED)]);
    }

    /** The ICE-CONTROLLING tie-breaker; check {@link #has} first. */
    public long iceControlling() {
        return IceAttributes.tieBreaker(buf, valueOffsets[require(ICE_CONTROLLING)]);
    }

    /** ERROR-CODE as {@code class * 100 + number}, or -1 if absent. */
    public int errorCode() {
        int i = indexOf(ERROR_CODE);
        return i < 0 ? -1 : ErrorCode.code(buf, valueOffsets[i]);
    }

    /** The ERROR-CODE reason phrase, or null; allocates. */
    public String errorReason() {
        int i = indexOf(ERROR_CODE);
        return i < 0 ? null : new String(buf, valueOffsets[i] + ErrorCode.MIN_VALUE_LENGTH,
                valueLengths[i] - ErrorCode.MIN_VALUE_LENGTH, StandardCharsets.UTF_8);
    }

    /** XOR-MAPPED-ADDRESS decoded, or null; allocates. */
    public InetSocketAddress xorMappedAddress() {
        int i = indexOf(XOR_MAPPED_ADDRESS);
        return i < 0 ? null : XorMappedAddress.read(buf, off, valueOffsets[i], valueLengths[i]);
    }

    /** MAPPED-ADDRESS decoded, or null; allocates. */
    public InetSocketAddress mappedAddress() {
        int i = indexOf(MAPPED_ADDRESS);
        return i < 0 ? null : MappedAddress.read(buf, valueOffsets[i], valueLengths[i]);
    }

    /** True if MESSAGE-INTEGRITY is present. */
    public boolean hasMessageIntegrity() {
        return integrityIndex >= 0;
    }

    /** True if FINGERPRINT is present (it is then the last attribute). */
    public boolean hasFingerprint() {
        return fingerprintIndex >= 0;
    }

    /**
     * Checks MESSAGE-INTEGRITY with {@code key} (RFC 8489 section 14.5) in constant time; false if absent or
     * wrong. Allocates nothing while the key stays the same.
     */
    public boolean verifyMessageIntegrity(byte[] key) {
        if (!valid || integrityIndex < 0) {
            return false;
        }
        int valueOff = valueOffsets[integrityIndex];
        integrity.key(key);
        integrity.compute(buf, off, valueOff - StunAttributeType.TLV_HEADER_LENGTH, macScratch, 0);
        int diff = 0;
        for (int k = 0; k < MessageIntegrity.VALUE_LENGTH; k++) {
            diff |= macScratch[k] ^ buf[valueOff + k];
        }
        return diff == 0;
    }

    /** Checks FINGERPRINT (RFC 8489 section 14.7); false if absent or wrong. */
    public boolean verifyFingerprint() {
        if (!valid || fingerprintIndex < 0) {
            return false;
        }
        int valueOff = valueOffsets[fingerprintIndex];
        int expected = fingerprint.compute(buf, off, valueOff - StunAttributeType.TLV_HEADER_LENGTH - off);
        return expected == Bytes.i32(buf, valueOff);
    }

    private int require(int type) {
        int i = indexOf(type);
        if (i < 0) {
            throw new IllegalStateException("attribute 0x" + Integer.toHexString(type) + " absent");
        }
        return i;
    }
}
