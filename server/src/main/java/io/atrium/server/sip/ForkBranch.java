package io.atrium.server.sip;

import gov.nist.javax.sip.clientauthutils.AuthenticationHelper;
import java.util.List;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.header.HeaderFactory;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INVITE Atrium sent to one target of a fork (a phone of the callee, or a trunk): its transaction,
 * dialog and progress, and the rules every fork shares — CANCEL only after a provisional response,
 * BYE for a dialog that is no longer wanted, a trunk's digest challenge answered once, and which status
 * a fork ends with when every branch failed.
 * Guarded by the monitor of the call or dial that owns the branch.
 */
class ForkBranch {

    private static final Logger log = LoggerFactory.getLogger("atrium.sip.calls");

    final String target;
    ClientTransaction invite;
    Dialog dialog;
    boolean provisional;
    /** Why the CANCEL that waits for a provisional response is sent (null: none waits). */
    Hangups.Why cancelPending;
    boolean done;
    int status;
    /** The INVITE went again with a trunk's credentials (a second challenge is a failure). */
    boolean authenticated;

    ForkBranch(String target) {
        this.target = target;
    }

    /**
     * CANCEL for this branch, saying {@code why} ({@link Hangups}); before its first provisional response it
     * waits for one (RFC 3261 9.1).
     */
    void cancel(SipProvider provider, HeaderFactory headers, CancelledInvites cancelled, Hangups.Why why) {
        if (done) {
            return;
        }
        if (!provisional) {
            cancelPending = why;
            return;
        }
        try {
            Hangups.cancel(provider, headers, invite, why);
            cancelled.add(invite);
        } catch (SipException e) {
            log.debug("CANCEL to {}: {}", target, e.toString());
        }
        cancelPending = null;
    }

    /** A provisional response came: a CANCEL that waited for it goes now. */
    void provisional(SipProvider provider, HeaderFactory headers, CancelledInvites cancelled) {
        provisional = true;
        if (cancelPending != null) {
            cancel(provider, headers, cancelled, cancelPending);
        }
    }

    /**
     * A 401/407 to this branch's INVITE: sends it again, once, with the credentials {@code auth} finds for
     * the trunk (the new transaction and dialog carry this branch as their data). False when it was
     * challenged before or there are no credentials: the challenge then ends the branch like any failure.
     */
    boolean authenticate(AuthenticationHelper auth, Response challenge, SipProvider provider) {
        if (authenticated || auth == null) {
            return false;
        }
        try {
            ClientTransaction again = auth.handleChallenge(challenge, invite, provider, 5);
            authenticated = true;
            invite = again;
            again.setApplicationData(this);
            dialog = provider.getNewDialog(again);
            dialog.setApplicationData(this);
            again.sendRequest();
            return true;
        } catch (SipException | RuntimeException e) {
            log.info("no credentials for {}: {}", target, e.toString());
            return false;
        }
    }

    /** Sends BYE in {@code d}, saying {@code why} ({@link Hangups}). */
    static void bye(SipProvider provider, HeaderFactory headers, Dialog d, Hangups.Why why) {
        try {
            Hangups.bye(provider, headers, d, why);
        } catch (SipException e) {
            log.debug("BYE: {}", e.toString());
        }
    }

    /**
     * What a fork whose every branch failed answers: 486 if any phone was busy, else the lowest failure, where a phone's
     * (or trunk's) own 503 counts as 500: passed upstream, a 503 would say that Atrium itself is unavailable (RFC 3261
     * 16.7); Atrium's own 503s (it stops, its cluster cannot tell) are its alone ({@link SipFactories#unavailable}).
     */
    static int finalStatus(List<? extends ForkBranch> branches) {
        boolean busy = branches.stream().anyMatch(b -> b.status == Response.BUSY_HERE);
        return busy ? Response.BUSY_HERE : branches.stream()
                .mapToInt(b -> b.status == Response.SERVICE_UNAVAILABLE ? Response.SERVER_INTERNAL_ERROR : b.status)
                .min().orElse(Response.TEMPORARILY_UNAVAILABLE);
    }
}
