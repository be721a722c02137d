package io.atrium.server.sip;

/**
 * Whether one side of a call between phones (the B2BUA's) still sends media: the packets its relay leg took (RTP
 * and RTCP, {@link RtpRelay.Leg#packets}) went up within the timeout, or it is quiet on purpose: its latest SDP holds
 * the call ({@code a=sendonly}, {@code a=inactive} or {@code c=0.0.0.0}) or agreed to be held ({@code a=recvonly},
 * {@code a=inactive}; {@link Sdp#quiet}), so its clock starts again once it resumes. Guarded by the call's monitor.
 */
final class Silence {

    private long packets;
    private long since;

    /** A side that had taken {@code packets} at {@code now} (nanoseconds). */
    Silence(long packets, long now) {
        this.packets = packets;
        this.since = now;
    }

    /**
     * Whether, at {@code now}, this side has taken no packet for longer than {@code timeoutNanos} while it was not quiet
     * on purpose; {@code packets} is its count now and {@code quiet} whether it is quiet on purpose now.
     */
    boolean over(long packets, boolean quiet, long now, long timeoutNanos) {
        if (packets != this.packets || quiet) {
            this.packets = packets;
            this.since = now;
            return false;
        }
        return now - since > timeoutNanos;
    }
}
