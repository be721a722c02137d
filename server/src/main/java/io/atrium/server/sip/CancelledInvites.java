package io.atrium.server.sip;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.ClientTransaction;
import javax.sip.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The INVITEs Atrium has sent CANCEL for (a fork's branch: a phone of a call between extensions, or of a room
 * invitation) that their phones have not yet answered. A CANCEL goes only after the phone's first provisional response
 * (RFC 3261 9.1), so each of these phones is there to answer; one whose CANCEL still waits for that response is not
 * waited for (its phone may be gone, a registration outliving it). A stopping server waits for those answers (each phone's 487, which the
 * stack acknowledges) before its sockets close (docs/SIP.md, "Restarts"): a 487 that came after them would go
 * unacknowledged, and its phone would repeat it for 32 s (RFC 3261 17.2.1) and hold the call that long.
 * Thread-safe.
 */
final class CancelledInvites {

    private static final Logger log = LoggerFactory.getLogger("atrium.sip.calls");

    private final Set<ClientTransaction> unanswered = ConcurrentHashMap.newKeySet();

    /** The CANCEL of {@code invite} went out; those answered since earlier ones are forgotten. */
    void add(ClientTransaction invite) {
        allAnswered();
        unanswered.add(invite);
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

    /** Forgets the INVITEs answered by now; true if none is left. */
    private boolean allAnswered() {
        unanswered.removeIf(t -> !unanswered(t));
        return unanswered.isEmpty();
    }

    private static boolean unanswered(ClientTransaction invite) {
        TransactionState state = invite.getState();
        return state == TransactionState.CALLING || state == TransactionState.PROCEEDING;
    }
}
