package io.atrium.server.sip;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The INVITEs Atrium has sent CANCEL for (a fork's branch: a phone of a call between extensions, or of a room
 * invitation) that their phones have not yet answered. A stopping server waits for those answers (each phone's 487,
 * which the stack acknowledges) before its sockets close (docs/SIP.md, "Restarts"): a 487 that came after them would go
 * unacknowledged, and its phone would repeat it for 32 s (RFC 3261 17.2.1) and hold the call that long.
 *
 * <p>A CANCEL goes only after the phone's first provisional response (RFC 3261 9.1), so each of these phones is there
 * to answer; one whose CANCEL still waits for that response is not waited for (its phone may be gone, a registration
 * outliving it). An INVITE whose phone has not answered 64*T1 (32 s) after its CANCEL is forgotten, as RFC 3261 9.1
 * has the client consider it cancelled. Thread-safe.
 */
final class CancelledInvites {

    private static final Logger log = LoggerFactory.getLogger("atrium.sip.calls");
    /** RFC 3261 9.1: no final response 64*T1 after the CANCEL, the INVITE counts as cancelled. */
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(32);

    /** The INVITEs, with when their CANCEL went out ({@link System#nanoTime}). */
    private final Map<ClientTransaction, Long> unanswered = new ConcurrentHashMap<>();

    /** The CANCEL of {@code invite} went out; those answered (or given up) since earlier ones are forgotten. */
    void add(ClientTransaction invite) {
        allAnswered();
        unanswered.put(invite, System.nanoTime());
    }

    /** Returns once every cancelled INVITE has had its final response, or after {@code patience}. */
    void awaitAnswers(Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!allAnswered()) {
            if (System.nanoTime() > deadline) {
                log.info("{} cancelled phones had not answered when the server stopped", unanswered.size());
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Forgets the INVITEs answered or given up by now; true if none is left. */
    private boolean allAnswered() {
        long now = System.nanoTime();
        unanswered.entrySet().removeIf(e -> !unanswered(e.getKey()) || now - e.getValue() > GIVE_UP_NANOS);
        return unanswered.isEmpty();
    }

    private static boolean unanswered(ClientTransaction invite) {
        TransactionState state = invite.getState();
        return state == TransactionState.CALLING || state == TransactionState.PROCEEDING;
    }
}
