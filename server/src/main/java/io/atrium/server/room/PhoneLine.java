package io.atrium.server.room;

import io.atrium.server.sfu.Receiver;
import io.atrium.server.sfu.Router;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A member that is no WebRTC peer: a phone leg of the SIP bridge. Its session goes through the same
 * {@code authenticate}/{@code join_room} as any client (room password, waiting room, admin rights),
 * but its voice is published into the room's router by the line itself instead of an SDP offer, and
 * the room tells the line when the seat ends. The member shows with {@code is_sip: true}.
 */
public interface PhoneLine {

    /** The directory user the phone proved to be (SIP digest), or null for an anonymous caller (e.g. a trunk). */
    UUID user();

    /**
     * Publishes the line's voice into {@code router} (reserved for one call with {@code Shards.join}) and
     * hands the published audio track to {@code then}, run on {@code back}. Called on the room's executor.
     */
    void attach(Router router, Executor back, Consumer<Receiver> then);

    /**
     * What the phone's RTCP receiver reports say of the audio Atrium sends it: loss (0..1), jitter (ms) and
     * the round trip (ms, from its echo of Atrium's sender reports; -1 when it has not echoed one).
     */
    record Reception(double loss, double jitterMillis, int rttMillis) {
    }

    /** The phone's last receiver report, empty before its first (many phones send none). */
    java.util.Optional<Reception> reception();

    /** Whether the phone holds the call (it sends nothing, by its own choice: not a silent member). */
    boolean held();

    /** Plays {@code digits} (0-9 * # A-D) to the phone as RFC 4733 events; false when too many are already queued. Any thread. */
    boolean sendDigits(String digits);

    /** The seat ended (left, removed, timed out, room ended): stop the media and hang up. Idempotent; any thread. */
    void detach(String reason);
}
