package io.atrium.webrtc.sdp;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A codec the answerer can receive and forward, matched against offered codecs by encoding name
 * (case-insensitive), clock rate, channels and a test on the fmtp parameters (RFC 3264 §6.1: the
 * answer lists the intersection, RFC 8829 §5.3.1 keeps the offerer's payload types).
 *
 * @param name       the encoding name, e.g. {@code VP8}
 * @param clockRate  the RTP clock rate
 * @param channels   the channel count to require (audio), or 0 to accept any
 * @param feedback   allowed {@code a=rtcp-fb} kinds, e.g. {@code nack}, {@code nack pli}, {@code ccm fir},
 *                   {@code transport-cc}, {@code goog-remb}; others offered are dropped
 * @param rtx        true to accept the offer's RTX payload type for this codec (RFC 4588)
 * @param parameters test on the offered fmtp parameters; the answer repeats the offer's fmtp when it passes
 */
public record CodecCapability(String name, int clockRate, int channels, List<String> feedback, boolean rtx,
        Predicate<Map<String, String>> parameters) {

    /** Feedback kinds for video codecs forwarded by an SFU with transport-wide congestion control. */
    public static final List<String> VIDEO_FEEDBACK = List.of("goog-remb", "transport-cc", "ccm fir", "nack",
            "nack pli");

    /** Validates the fields; copies the feedback list. */
    public CodecCapability {
        SdpText.token(name, "codec name");
        if (clockRate < 1) {
            throw new SdpException("codec clock rate must be positive");
        }
        feedback = List.copyOf(feedback);
        if (parameters == null) {
            throw new SdpException("codec parameter test is null");
        }
    }

    /** Opus 48000/2 (RFC 7587 §7) with transport-cc feedback, no RTX. */
    public static CodecCapability opus() {
        return new CodecCapability("opus", 48000, 2, List.of("transport-cc"), false, p -> true);
    }

    /** Encoding name of redundant audio data (RFC 2198 §5). */
    public static final String RED = "red";

    /**
     * Redundant audio around Opus, {@code red/48000/2} (RFC 2198) as browsers offer it; accepted only when every
     * payload type its fmtp names ({@code 111/111}) is accepted too, and then listed first in the answer.
     */
    public static CodecCapability red() {
        return new CodecCapability(RED, 48000, 2, List.of(), false, p -> true);
    }

    /** VP8 (RFC 7741 §6.1) with NACK, PLI, FIR, REMB, transport-cc and RTX. */
    public static CodecCapability vp8() {
        return new CodecCapability("VP8", 90000, 0, VIDEO_FEEDBACK, true, p -> true);
    }

    /** VP9 profile 0 (RFC 9628 §6; {@code profile-id} absent means 0) with video feedback and RTX. */
    public static CodecCapability vp9() {
        return new CodecCapability("VP9", 90000, 0, VIDEO_FEEDBACK, true,
                p -> p.getOrDefault("profile-id", "0").equals("0"));
    }

    /** AV1 Main profile (AV1 RTP spec §7.2; {@code profile} absent means 0) with video feedback and RTX. */
    public static CodecCapability av1() {
        return new CodecCapability("AV1", 90000, 0, VIDEO_FEEDBACK, true,
                p -> p.getOrDefault("profile", "0").equals("0"));
    }

    /**
     * H.264 with {@code packetization-mode=1} (RFC 6184 §6.3) and a Constrained Baseline compatible
     * {@code profile-level-id} such as 42e01f (any level), with video feedback and RTX.
     */
    public static CodecCapability h264ConstrainedBaseline() {
        return new CodecCapability("H264", 90000, 0, VIDEO_FEEDBACK, true,
                p -> "1".equals(p.get("packetization-mode"))
                        && H264ProfileLevelId.parse(p.get("profile-level-id"))
                                .map(H264ProfileLevelId::isConstrainedBaseline).orElse(false));
    }

    /** True when the offered codec {@code c} is acceptable. */
    public boolean matches(Codec c) {
        return c.is(name) && c.clockRate() == clockRate && (channels == 0 || c.channels() == channels)
                && parameters.test(c.parameters());
    }

    /** True when the feedback {@code fb} is allowed. */
    public boolean allows(RtcpFeedback fb) {
        return feedback.contains(fb.kind());
    }

    /** Returns the first capability in {@code capabilities} that accepts {@code c}. */
    static Optional<CodecCapability> find(List<CodecCapability> capabilities, Codec c) {
        for (CodecCapability cap : capabilities) {
            if (cap.matches(c)) {
                return Optional.of(cap);
            }
        }
        return Optional.empty();
    }
}
