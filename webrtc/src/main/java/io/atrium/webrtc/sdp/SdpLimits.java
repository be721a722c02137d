package io.atrium.webrtc.sdp;

/**
 * Bounds applied to untrusted SDP text (RFC 8866 sets none; RFC 8866 §7 asks parsers to be robust).
 * Every bound is checked before the work it limits is done, so parsing hostile input costs at most
 * time and memory linear in {@link #MAX_SDP_LENGTH}.
 *
 * <p>The values are generous for WebRTC: a Chromium offer with audio, video (every codec, RTX and
 * FEC) and a data channel is about 8 KiB and 200 lines; a subscriber with 100 transceivers stays well
 * under the section and line limits.
 */
public final class SdpLimits {

    /** Longest accepted SDP text, in characters. */
    public static final int MAX_SDP_LENGTH = 256 * 1024;

    /** Most lines in one SDP text (session and media sections together). */
    public static final int MAX_LINES = 8192;

    /** Longest accepted line, in characters, excluding the line ending. */
    public static final int MAX_LINE_LENGTH = 4096;

    /** Most media sections ({@code m=} lines) in one SDP. */
    public static final int MAX_MEDIA_SECTIONS = 256;

    /** Most formats (payload types) on one {@code m=} line; RTP has only 128 payload types. */
    public static final int MAX_FORMATS = 128;

    /** Longest {@code a=mid} (RFC 9143) or {@code a=rid} (RFC 8851) identifier, in characters. */
    public static final int MAX_ID_LENGTH = 64;

    /** Longest {@code a=msid} stream or track identifier (RFC 8830 §2: 1*64token-char). */
    public static final int MAX_MSID_ID_LENGTH = 64;

    /** Longest ICE ufrag or password (RFC 8839 §5.4: at most 256 characters). */
    public static final int MAX_ICE_CREDENTIAL_LENGTH = 256;

    /** Longest certificate fingerprint in bytes (SHA-512, RFC 8122 §5). */
    public static final int MAX_FINGERPRINT_BYTES = 64;

    private SdpLimits() {
    }
}
