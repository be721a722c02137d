package io.atrium.server.sip;

import java.time.Instant;
import java.util.UUID;

/**
 * A call as {@code GET /v1/sip/calls} lists it: its {@code call_id} (also sent to the phones as the
 * {@code X-Atrium-Call-Id} header), caller extension, dialled number, state ({@code ringing},
 * {@code answered}) and the RTP/RTCP packets Atrium received from each side.
 */
public record CallInfo(UUID callId, String from, String to, String state, Instant startedAt, Instant answeredAt,
                       long callerPackets, long calleePackets) {
}
