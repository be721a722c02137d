package io.atrium.server.sip;

import gov.nist.javax.sip.clientauthutils.AuthenticationHelper;
import io.atrium.server.config.AtriumConfig;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Atrium calling out (a room's invite): one INVITE, with Atrium's own SDP offer (Opus, PCMU, PCMA,
 * telephone-event) pointed at one RTP socket, to every target (all registered phones of an extension,
 * or the outbound trunk's URI). The first 2xx wins and is handed to its {@link Outcome} with the agreed
 * codec; every other branch gets CANCEL (or ACK and BYE when it answered too late). A trunk that
 * challenges (401/407) gets the INVITE again with its {@code sip.trunks} credentials. When every branch has
 * failed, or none answered within {@code sip.ring_timeout_seconds}, the outcome hears the status (486 busy,
 * a 6xx decline, 408 no answer, ...).
 */
final class DialOut {

    private static final Logger log = LoggerFactory.getLogger("atrium.sip.dialout");

    /** What becomes of one dial; called on the SIP timer thread, never with the dial's monitor held. */
    interface Outcome {
        /** A phone answered: {@code dialog} is established, {@code agreed} its audio, media on the dial's {@link Dial#rtp}. */
        void answered(Dial dial, Dialog dialog, PhoneSdp agreed);

        /** No phone answered: the status that ended it (the lowest failure, 486 before others, or 408). */
        void failed(Dial dial, int status);
    }

    enum State { RINGING, ANSWERED, ENDED }

    /** One outbound call, forked to its targets. Guarded by its monitor. */
    static final class Dial {
        final String callId;
        final String destination;
        final RtpRelay.Leg rtp;
        final Outcome outcome;
        final List<Branch> branches = new ArrayList<>();
        /** Atrium's offer: a phone sends with its payload types. */
        Sdp offer;
        State state = State.RINGING;
        /** Why it ended without an answer (a phone answering after that is hung up saying so). */
        Hangups.Why endedBecause;
        ScheduledFuture<?> ringTimer;

        Dial(String callId, String destination, RtpRelay.Leg rtp, Outcome outcome) {
            this.callId = callId;
            this.destination = destination;
            this.rtp = rtp;
            this.outcome = outcome;
        }
    }

    /** One INVITE to one target: the client transaction's and the dialog's application data. */
    static final class Branch extends ForkBranch {
        final Dial dial;

        Branch(Dial dial, String target) {
            super(target);
            this.dial = dial;
        }
    }

    private final AtriumConfig.Sip config;
    private final SipFactories sip;
    private final SipProvider provider;
    private final RtpRelay relay;
    private final ScheduledExecutorService timer;
    private final AuthenticationHelper trunkAuth;
    private final CancelledInvites cancelled;

    /** {@code trunkAuth} answers trunks' challenges (null: a challenge fails the branch). */
    DialOut(AtriumConfig.Sip config, SipFactories sip, SipProvider provider, RtpRelay relay, ScheduledExecutorService timer,
            AuthenticationHelper trunkAuth, CancelledInvites cancelled) {
        this.trunkAuth = trunkAuth;
        this.cancelled = cancelled;
        this.config = config;
        this.sip = sip;
        this.provider = provider;
        this.relay = relay;
        this.timer = timer;
    }

    /** Whether a response or timeout belongs to a dial-out (its transaction's or dialog's data is a {@link Branch}). */
    static boolean owns(ClientTransaction ct, Dialog dialog) {
        return ct != null && ct.getApplicationData() instanceof Branch
                || ct == null && dialog != null && dialog.getApplicationData() instanceof Branch;
    }

    /**
     * Calls {@code destination} at {@code targets} (contact URIs), From {@code fromName <sip:fromNumber@atrium>},
     * with {@code callId} as {@value B2bua#CALL_ID_HEADER}. Targets that cannot be reached count as 480.
     */
    Dial dial(String callId, String fromName, String fromNumber, String destination, List<String> targets, Outcome outcome) {
        Dial dial = new Dial(callId, destination, relay.allocate(), outcome);
        byte[] offer = PhoneSdp.offer(config.publicAddress(), dial.rtp.port());
        dial.offer = Sdp.parse(offer);
        synchronized (dial) {
            for (String target : targets) {
                Branch b = new Branch(dial, target);
                dial.branches.add(b);
                try {
                    b.invite = provider.getNewClientTransaction(
                            sip.outboundInvite(config, provider, callId, fromName, fromNumber, destination, target, offer));
                    b.invite.setApplicationData(b);
                    b.dialog = provider.getNewDialog(b.invite);
                    b.dialog.setApplicationData(b);
                    b.invite.sendRequest();
                } catch (SipException | ParseException | InvalidArgumentException | RuntimeException e) {
                    log.info("dial {}: cannot reach {}: {}", callId, target, e.toString());
                    b.done = true;
                    b.status = Response.TEMPORARILY_UNAVAILABLE;
                }
            }
            log.info("dial {}: {} rings {} target(s)", callId, destination, targets.size());
            dial.ringTimer = timer.schedule(() -> {
                synchronized (dial) {
                    if (dial.state == State.RINGING) {
                        fail(dial, Response.REQUEST_TIMEOUT);
                    }
                }
            }, config.ringTimeoutSeconds(), TimeUnit.SECONDS);
            failIfAllFailed(dial);
        }
        return dial;
    }

    /** A response from a dialled phone (or trunk). */
    void response(ResponseEvent event) throws SipException, InvalidArgumentException {
        Response response = event.getResponse();
        CSeqHeader cseq = (CSeqHeader) response.getHeader(CSeqHeader.NAME);
        if (!Request.INVITE.equals(cseq.getMethod())) {
            return;
        }
        ClientTransaction ct = event.getClientTransaction();
        Branch b = (Branch) (ct != null ? ct.getApplicationData() : event.getDialog().getApplicationData());
        int status = response.getStatusCode();
        Dial dial = b.dial;
        synchronized (dial) {
            if (status < 200) {
                if (!b.provisional) {
                    log.info("dial {}: {} rings", dial.callId, b.target);
                }
                b.provisional(provider, sip.headers(), cancelled);
            } else if (status < 300) {
                Dialog d = event.getDialog() != null ? event.getDialog() : b.dialog;
                d.sendAck(d.createAck(cseq.getSeqNumber()));
                if (ct == null) {
                    return; // a retransmitted 200: ACKed again above
                }
                b.done = true;
                b.status = status;
                Sdp answer = Sdp.parse(response.getRawContent());
                PhoneSdp agreed = answer == null ? null : PhoneSdp.between(answer, dial.offer);
                if (dial.state != State.RINGING || agreed == null) {
                    Hangups.Why why = agreed == null ? Hangups.NO_COMMON_AUDIO : dial.state == State.ANSWERED ? Hangups.ELSEWHERE
                            : dial.endedBecause;
                    log.info("dial {}: {} answered {}; hung up", dial.callId, b.target,
                            agreed == null ? "without audio Atrium speaks" : "too late");
                    ForkBranch.bye(provider, sip.headers(), d, why);
                    if (dial.state == State.RINGING) {
                        failIfAllFailed(dial);
                    }
                    return;
                }
                dial.state = State.ANSWERED;
                dial.ringTimer.cancel(false);
                dial.rtp.remote(agreed.address(), agreed.port());
                for (Branch other : dial.branches) {
                    if (other != b) {
                        other.cancel(provider, sip.headers(), cancelled, Hangups.ELSEWHERE);
                    }
                }
                log.info("dial {}: answered by {} with {}", dial.callId, b.target, agreed.codec());
                d.setApplicationData(null); // the room call takes the dialog over
                timer.execute(() -> dial.outcome.answered(dial, d, agreed));
            } else if ((status == Response.UNAUTHORIZED || status == Response.PROXY_AUTHENTICATION_REQUIRED)
                    && ct != null && dial.state == State.RINGING && b.authenticate(trunkAuth, response, provider)) {
                return; // the INVITE went again with the trunk's credentials
            } else {
                b.done = true;
                b.status = status;
                if (status >= 600 && dial.state == State.RINGING) {
                    fail(dial, status);
                } else {
                    failIfAllFailed(dial);
                }
            }
        }
    }

    /** A branch's INVITE got no response at all. */
    void timeout(ClientTransaction ct) {
        Branch b = (Branch) ct.getApplicationData();
        synchronized (b.dial) {
            b.done = true;
            b.status = Response.REQUEST_TIMEOUT;
            failIfAllFailed(b.dial);
        }
    }

    /**
     * Stops a dial that still rings (the invite was answered elsewhere, declined or ended): CANCEL to every
     * branch, saying {@code why} ({@link Hangups}).
     */
    void hangUp(Dial dial, Hangups.Why why) {
        synchronized (dial) {
            if (dial.state == State.RINGING) {
                end(dial, why);
            }
        }
    }

    private void failIfAllFailed(Dial dial) {
        if (dial.state != State.RINGING || dial.branches.stream().anyMatch(b -> !b.done)) {
            return;
        }
        fail(dial, ForkBranch.finalStatus(dial.branches));
    }

    private void fail(Dial dial, int status) {
        end(dial, Hangups.forkEnded(status));
        log.info("dial {}: {} not answered: {}", dial.callId, dial.destination, status);
        timer.execute(() -> dial.outcome.failed(dial, status));
    }

    private void end(Dial dial, Hangups.Why why) {
        dial.state = State.ENDED;
        dial.endedBecause = why;
        if (dial.ringTimer != null) {
            dial.ringTimer.cancel(false);
        }
        dial.branches.forEach(b -> b.cancel(provider, sip.headers(), cancelled, why));
        dial.rtp.close();
    }
}
