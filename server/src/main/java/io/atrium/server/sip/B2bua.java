package io.atrium.server.sip;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.room.RpcException;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import gov.nist.javax.sip.clientauthutils.AuthenticationHelper;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls between extensions, as a back-to-back user agent: Atrium answers the caller's INVITE itself
 * and sends its own INVITE to every registered phone of the callee (fork). The first 2xx wins; the
 * other branches get CANCEL (or BYE if they answered too late). Busy (486), decline (603, any 6xx) and
 * no answer within {@code sip.ring_timeout_seconds} (408) go back to the caller. Both SDPs are pointed
 * at {@link RtpRelay} legs, so all media passes through Atrium. Each call has a UUID {@code call_id},
 * sent as {@value #CALL_ID_HEADER} on the INVITEs to the callee and on the caller's 180/183/200. A phone's early media
 * (an SDP in its 18x) reach the caller, one way, before the answer ({@link #progress}). A side's re-INVITE is
 * answered by Atrium ({@link #reinvite}); a new direction in it (hold, resume) is passed on to the other side in
 * Atrium's own re-INVITE ({@link #reoffer}), retried after a 491 ({@link #retry}). An answered call whose one side sends no RTP or RTCP for
 * {@code rooms.media_timeout_seconds} while it is not quiet on purpose (holding or held, {@link Sdp#quiet}: it vanished
 * without BYE: unplugged, its NAT mapping gone) ends with BYE to both sides ({@link Silence}).
 */
final class B2bua {

    static final String CALL_ID_HEADER = "X-Atrium-Call-Id";
    private static final Logger log = LoggerFactory.getLogger("atrium.sip.calls");

    private final AtriumConfig.Sip config;
    private final SipFactories sip;
    private final SipProvider provider;
    private final RtpRelay relay;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Map<String, Call> byCallerCallId = new ConcurrentHashMap<>();
    private final AuthenticationHelper trunkAuth;
    private final CancelledInvites cancelled;
    /** {@code rooms.media_timeout_seconds}: an answered call's side silent this long (not quiet on purpose) ends the call. */
    private final long mediaTimeoutNanos;
    /** Set once the server stops ({@link #stop}): new calls are refused. */
    private volatile boolean stopping;

    /**
     * What a call takes before anything rings, given back once it is over: {@link #take} answers what gives it back
     * (run once). A phone's own call out through the trunk takes one of the server's slots of calls out
     * ({@link InviteRules#phoneCallOut}; over the bound, its {@link RpcException} refuses the call); other calls take
     * {@link #NOTHING}.
     */
    interface Slot {
        Runnable take();
    }

    static final Slot NOTHING = () -> () -> { };

    B2bua(AtriumConfig.Sip config, SipFactories sip, SipProvider provider, RtpRelay relay,
          ScheduledExecutorService timer, Clock clock, AuthenticationHelper trunkAuth, long mediaTimeoutMillis,
          CancelledInvites cancelled) {
        this.trunkAuth = trunkAuth;
        this.cancelled = cancelled;
        this.mediaTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(mediaTimeoutMillis);
        this.config = config;
        this.sip = sip;
        this.provider = provider;
        this.relay = relay;
        this.timer = timer;
        this.clock = clock;
    }

    /** The calls now ringing or answered. */
    List<CallInfo> active() {
        return byCallerCallId.values().stream().map(Call::info).toList();
    }

    /**
     * A new INVITE from {@code caller} (its display name and the number it goes with: its extension, or a trunk's
     * {@code caller_id}; {@code callerUser} the directory user whose phone placed it, null for a call from a trunk) to
     * {@code number}, forking to
     * {@code targets} (contact URIs); none: answer {@code unreachable}. While the server stops, {@code 503} with
     * {@link SipFactories#RETRY_AFTER_STOPPING}, as a call into a room then (docs/SIP.md, "Restarts"). A call that
     * cannot take its {@code slot} gets {@code 486 Busy Here} with the refusal's text as its reason phrase, and no
     * {@code Retry-After} (docs/SIP.md, "Who may dial out": a bound on Atrium's calls out, not Atrium unavailable,
     * so not {@code 503}; when a slot frees depends on other calls ending).
     */
    void invite(RequestEvent event, String callerName, String callerNumber, UUID callerUser, String number, List<String> targets,
                int unreachable, Slot slot) throws SipException, ParseException, InvalidArgumentException {
        Request request = event.getRequest();
        ServerTransaction st = serverTransaction(event);
        if (stopping) {
            st.sendResponse(sip.unavailable(request, SipFactories.RETRY_AFTER_STOPPING));
            log.info("call from {} to {} refused: the server is stopping", callerNumber, number);
            return;
        }
        if (targets.isEmpty()) {
            st.sendResponse(sip.messages().createResponse(unreachable, request));
            return;
        }
        Sdp offer = Sdp.parse(request.getRawContent());
        if (offer == null) {
            st.sendResponse(sip.messages().createResponse(Response.NOT_ACCEPTABLE_HERE, request));
            return;
        }
        Runnable release;
        try {
            release = slot.take();
        } catch (RpcException e) {
            Response busy = sip.messages().createResponse(Response.BUSY_HERE, request);
            busy.setReasonPhrase(e.getMessage());
            st.sendResponse(busy);
            log.info("call from {} to {} refused: {}", callerNumber, number, e.getMessage());
            return;
        }
        Call call;
        try {
            st.sendResponse(sip.messages().createResponse(Response.TRYING, request));
            Dialog aDialog = provider.getNewDialog(st);
            RtpRelay.Leg aLeg = relay.allocate();
            RtpRelay.Leg bLeg = relay.allocate();
            aLeg.remote(offer.address(), offer.audioPort());
            relay.forward(bLeg, aLeg); // the caller's own media go on once answered (early media: one way)
            call = new Call(callerNumber, callerUser, number, clock.instant(), request, st, aDialog,
                    Long.toHexString(Double.doubleToLongBits(Math.random())), aLeg, bLeg, release);
        } catch (SipException | InvalidArgumentException | RuntimeException e) {
            release.run();
            throw e;
        }
        call.aDialog.setApplicationData(call);
        synchronized (call) {
            byCallerCallId.put(callId(request), call);
            if (stopping) { // stop() began after the check above, and may have passed this call by
                stopRinging(call);
                return;
            }
            log.info("call {}: {} -> {} forks to {} phone(s)", call.id, callerNumber, number, targets.size());
            byte[] sdp = offer.pointedAt(config.publicAddress(), call.bLeg.port());
            call.bSdp = sdp;
            for (String target : targets) {
                Call.Branch b = new Call.Branch(call, target);
                call.branches.add(b);
                try {
                    Request invite = sip.outboundInvite(config, provider, call.id.toString(), callerName, callerNumber, number,
                            target, sdp);
                    b.invite = provider.getNewClientTransaction(invite);
                    b.invite.setApplicationData(b);
                    b.dialog = provider.getNewDialog(b.invite);
                    b.dialog.setApplicationData(b);
                    b.invite.sendRequest();
                } catch (SipException | ParseException | RuntimeException e) {
                    log.info("call {}: cannot reach {}: {}", call.id, target, e.toString());
                    b.done = true;
                    b.status = Response.TEMPORARILY_UNAVAILABLE;
                }
            }
            call.ringTimer = timer.schedule(() -> ringTimeout(call), config.ringTimeoutSeconds(), TimeUnit.SECONDS);
            finishIfAllFailed(call);
        }
    }

    /** A response from one of the callee's phones (or a trunk) to Atrium's INVITE. */
    void response(ResponseEvent event) throws SipException, InvalidArgumentException, ParseException {
        Response response = event.getResponse();
        CSeqHeader cseq = (CSeqHeader) response.getHeader(CSeqHeader.NAME);
        ClientTransaction ct = event.getClientTransaction();
        if (ct != null && ct.getApplicationData() instanceof Call.PassedInfo passed) {
            if (response.getStatusCode() >= 200) {
                infoAnswered(passed, response.getStatusCode(), response.getReasonPhrase());
            }
            return;
        }
        if (!Request.INVITE.equals(cseq.getMethod())) {
            return;
        }
        if (ct != null && ct.getApplicationData() instanceof Call.Reoffer r) {
            reoffered(r, event);
            return;
        }
        Object data = ct != null ? ct.getApplicationData() : event.getDialog() != null ? event.getDialog().getApplicationData() : null;
        if (!(data instanceof Call.Branch b)) {
            return;
        }
        int status = response.getStatusCode();
        Call call = b.call;
        synchronized (call) {
            if (status < 200) {
                boolean cancelling = b.cancelPending != null;
                b.provisional(provider, sip.headers(), cancelled);
                if (!cancelling && call.state == Call.State.RINGING) {
                    progress(call, b, status, Sdp.parse(response.getRawContent()));
                }
            } else if (status < 300) {
                Dialog d = event.getDialog() != null ? event.getDialog() : b.dialog;
                d.sendAck(d.createAck(cseq.getSeqNumber()));
                if (ct == null && b == call.winner) {
                    return; // a retransmitted 200: ACKed again above
                }
                b.done = true;
                b.status = status;
                if (call.state != Call.State.RINGING) {
                    bye(d, call.winner != null ? Hangups.ELSEWHERE : call.endedBecause);
                    return;
                }
                answered(call, b, b.early != null ? b.early : Sdp.parse(response.getRawContent()));
            } else if ((status == Response.UNAUTHORIZED || status == Response.PROXY_AUTHENTICATION_REQUIRED)
                    && ct != null && call.state == Call.State.RINGING && b.authenticate(trunkAuth, response, provider)) {
                return; // the INVITE went again with credentials
            } else {
                b.done = true;
                b.status = status;
                if (status >= 600 && call.state == Call.State.RINGING) {
                    fail(call, status);
                } else {
                    finishIfAllFailed(call);
                    if (b == call.earlyBranch && call.state == Call.State.RINGING) {
                        earlyMedia(call, null); // its early media stop; another branch's may go on
                    }
                }
            }
        }
    }

    /**
     * A provisional response from branch {@code b} of a ringing call ({@code early}: its SDP, if any). Early media
     * (docs/SIP.md; RFC 3960): the first branch whose provisional response carries an SDP answer gets the relay — the
     * callee's leg takes its packets and sends them to the caller — and the caller gets {@code 183 Session Progress}
     * with that answer pointed at the caller's leg, the SDP the 200 carries later (RFC 3261 13.2.1: without 100rel the
     * caller takes the first SDP as the answer and ignores the rest). A later SDP from the same branch is ignored, as
     * the same rule wants of Atrium. Without early media, the first 180 (or higher) becomes {@code 180 Ringing}; once
     * the caller has early media it gets no 180, which some phones take as a cue to play their own ringback instead.
     */
    private void progress(Call call, Call.Branch b, int status, Sdp early) throws SipException, InvalidArgumentException,
            ParseException {
        if (early != null && b.early == null) {
            b.early = early;
            if (call.earlyBranch == null) {
                earlyMedia(call, b);
            }
        }
        if (status >= 180 && !call.ringingSent && call.aSdp == null) {
            call.ringingSent = true;
            call.aTransaction.sendResponse(toCaller(call, Response.RINGING, null));
        }
    }

    /**
     * Gives the relay's early media to {@code b} (null: the branch that had them failed; any other still ringing branch
     * whose early SDP describes the media the caller has takes them, else none). The caller's SDP is given once, in the
     * first 183 (RFC 3261 13.2.1): a branch whose early SDP says other media than it is not relayed, as the caller would
     * take its packets for what its SDP says.
     */
    private void earlyMedia(Call call, Call.Branch b) throws SipException, InvalidArgumentException, ParseException {
        Sdp had = Sdp.parse(call.aSdp);
        Call.Branch next = b;
        if (next == null) {
            next = call.branches.stream().filter(o -> !o.done && o.early != null && o != call.earlyBranch
                    && (had == null || o.early.sameMedia(had))).findFirst().orElse(null);
        } else if (had != null && !next.early.sameMedia(had)) {
            log.info("call {}: early media from {} not relayed: other media than the caller has", call.id, next.target);
            return;
        }
        if (call.earlyBranch != null) {
            call.bLeg.another();
        }
        call.earlyBranch = next;
        if (next == null) {
            log.info("call {}: early media stopped", call.id);
            return;
        }
        call.bLeg.remote(next.early.address(), next.early.audioPort());
        log.info("call {}: early media from {}", call.id, next.target);
        if (call.aSdp == null) {
            call.aSdp = next.early.pointedAt(config.publicAddress(), call.aLeg.port());
            call.aTransaction.sendResponse(toCaller(call, Response.SESSION_PROGRESS, call.aSdp));
        }
    }

    private void answered(Call call, Call.Branch winner, Sdp answer) throws SipException, InvalidArgumentException, ParseException {
        call.winner = winner;
        call.state = Call.State.ANSWERED;
        call.answeredAt = clock.instant();
        call.answer = answer;
        call.ringTimer.cancel(false);
        if (call.earlyBranch != null && call.earlyBranch != winner) {
            call.bLeg.another(); // the early media move to the phone that answered; the caller's leg stays
        }
        call.earlyBranch = null;
        if (answer != null) {
            call.bLeg.remote(answer.address(), answer.audioPort());
        }
        relay.forward(call.aLeg, call.bLeg);
        call.aLeg.answered();
        Sdp offer = Sdp.parse(call.aInvite.getRawContent());
        call.aDirection = offer == null ? "sendrecv" : offer.direction();
        call.bDirection = answer == null ? "sendrecv" : answer.direction();
        long now = System.nanoTime();
        call.aSilence = new Silence(call.aLeg.packets(), now);
        call.bSilence = new Silence(call.bLeg.packets(), now);
        call.mediaTimer = timer.scheduleWithFixedDelay(() -> checkMedia(call), 1, 1, TimeUnit.SECONDS);
        for (Call.Branch other : call.branches) {
            if (other != winner && !other.done) {
                cancel(other, Hangups.ELSEWHERE);
            }
        }
        if (call.aSdp == null) {
            call.aSdp = answer == null ? null : answer.pointedAt(config.publicAddress(), call.aLeg.port());
        } else if (answer != null && !answer.sameMedia(Sdp.parse(call.aSdp))) {
            call.aMedia = answer.pointedAt(config.publicAddress(), call.aLeg.port()); // offered once it ACKed (ack)
            log.info("call {}: {} answered with other media than the early media the caller has", call.id, winner.target);
        }
        call.aTransaction.sendResponse(toCaller(call, Response.OK, call.aSdp)); // the 183's SDP again, if one went
        log.info("call {}: answered by {}", call.id, winner.target);
    }

    /** A response to the caller's INVITE, with Atrium's To tag, Contact and the call id. */
    private Response toCaller(Call call, int status, byte[] sdp) throws ParseException {
        Response r = sdp == null ? sip.messages().createResponse(status, call.aInvite)
                : sip.messages().createResponse(status, call.aInvite, sdpType(), sdp);
        ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(call.aTag);
        String transport = ((ViaHeader) call.aInvite.getHeader(ViaHeader.NAME)).getTransport().toLowerCase(Locale.ROOT);
        r.addHeader(contact(transport));
        r.addHeader(sip.headers().createHeader(CALL_ID_HEADER, call.id.toString()));
        return r;
    }

    /**
     * An answered call handed over to a room ({@link #handOver}): both dialogs, both relay legs and the SDPs, and what
     * gives back the call's {@link Slot} (the callee's leg holds it in the room until it ends there).
     */
    record Handover(UUID id, String from, String to, Dialog aDialog, Dialog bDialog, RtpRelay.Leg aLeg, RtpRelay.Leg bLeg,
                    Sdp offer, Sdp answer, Runnable release) {
    }

    /**
     * A call as {@link #find} gives it: what {@code GET /v1/sip/calls} lists, and the directory user whose phone placed
     * it (empty for a call from a trunk): its {@code from} is the number the call goes with, which a trunk's
     * {@code caller_id} replaces, and which a trunk's caller chooses — never who placed it.
     */
    record Found(CallInfo info, Optional<UUID> callerUser) {
    }

    /** The call {@code id} (ringing or answered), if there is one now. */
    Optional<Found> find(UUID id) {
        return byCallerCallId.values().stream().filter(c -> c.id.equals(id))
                .map(c -> new Found(c.info(), Optional.ofNullable(c.callerUser))).findFirst();
    }

    /**
     * Takes the answered call {@code id} out of the B2BUA without hanging up (its dialogs and relay legs
     * go to a room: {@code convert_to_room}); empty when it is not answered now, or when its codec is none
     * the room's audio bridge speaks ({@link PhoneSdp#negotiate}).
     */
    Optional<Handover> handOver(UUID id) {
        Call call = byCallerCallId.values().stream().filter(c -> c.id.equals(id)).findFirst().orElse(null);
        if (call == null) {
            return Optional.empty();
        }
        synchronized (call) {
            if (call.state != Call.State.ANSWERED || call.answer == null || PhoneSdp.negotiate(call.answer) == null) {
                return Optional.empty();
            }
            call.state = Call.State.ENDED;
            call.mediaTimer.cancel(false); // in the room its phone's silence is the room's rule
            byCallerCallId.remove(callId(call.aInvite));
            call.aDialog.setApplicationData(null);
            call.winner.dialog.setApplicationData(null);
            return Optional.of(new Handover(call.id, call.from, call.to, call.aDialog, call.winner.dialog, call.aLeg, call.bLeg,
                    Sdp.parse(call.aInvite.getRawContent()), call.answer, call.release));
        }
    }

    /**
     * CANCEL from the caller: 200 to it, 487 to the INVITE, CANCEL to every branch, passing on the caller's own
     * well-formed {@code Reason} ({@link Hangups#passedOn}; none: {@code cancelled by the caller}).
     */
    void cancel(RequestEvent event) throws SipException, InvalidArgumentException, ParseException {
        Request request = event.getRequest();
        ServerTransaction st = serverTransaction(event);
        Call call = byCallerCallId.get(callId(request));
        if (call == null) {
            st.sendResponse(sip.messages().createResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request));
            return;
        }
        st.sendResponse(sip.messages().createResponse(Response.OK, request));
        synchronized (call) {
            if (call.state == Call.State.RINGING) {
                log.info("call {}: cancelled by the caller", call.id);
                fail(call, toCaller(call, Response.REQUEST_TERMINATED, null),
                        Hangups.forkEnded(Response.REQUEST_TERMINATED).passing(Hangups.passedOn(sip.headers(), request)));
            }
        }
    }

    /** BYE from either side of an answered call: 200 to it, BYE to the other side. */
    void bye(RequestEvent event) throws SipException, InvalidArgumentException, ParseException {
        Request request = event.getRequest();
        ServerTransaction st = serverTransaction(event);
        Dialog d = event.getDialog();
        Object data = d == null ? null : d.getApplicationData();
        Call call = data instanceof Call c ? c : data instanceof Call.Branch b ? b.call : null;
        if (call == null) {
            st.sendResponse(sip.messages().createResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request));
            return;
        }
        st.sendResponse(sip.messages().createResponse(Response.OK, request));
        synchronized (call) {
            if (call.state == Call.State.ANSWERED) {
                String by = data instanceof Call ? "the caller" : "the callee";
                log.info("call {}: hung up by {}", call.id, by);
                ForkBranch.bye(provider, sip.headers(), data instanceof Call ? call.winner.dialog : call.aDialog,
                        Hangups.normal("hung up by " + by).passing(Hangups.passedOn(sip.headers(), request)));
            }
            end(call);
        }
    }

    /**
     * INFO from either side of an answered call (DTMF sent in SIP INFO, {@link InfoDtmf}, or any other body): passed on
     * to the other side in its dialog with its body, {@code Content-Type} and {@code Info-Package}, as a PBX passes it, and
     * that side's final answer is the answer ({@link #infoAnswered}; none at all: 408). 481 outside an answered call, or
     * when the other side's dialog ended meanwhile.
     */
    void info(RequestEvent event) throws SipException, ParseException, InvalidArgumentException {
        Request request = event.getRequest();
        ServerTransaction st = serverTransaction(event);
        Object data = event.getDialog() == null ? null : event.getDialog().getApplicationData();
        Call call = data instanceof Call c ? c : data instanceof Call.Branch b ? b.call : null;
        Dialog other = null;
        if (call != null) {
            synchronized (call) {
                if (call.state == Call.State.ANSWERED) {
                    other = data instanceof Call ? call.winner.dialog : call.aDialog;
                }
            }
        }
        if (other != null) {
            try {
                Request info = other.createRequest(Request.INFO);
                ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
                if (type != null && request.getRawContent() != null) {
                    info.setContent(request.getRawContent(), (ContentTypeHeader) type.clone());
                }
                javax.sip.header.Header infoPackage = request.getHeader("Info-Package");
                if (infoPackage != null) {
                    info.addHeader((javax.sip.header.Header) infoPackage.clone());
                }
                ClientTransaction ct = provider.getNewClientTransaction(info);
                ct.setApplicationData(new Call.PassedInfo(st, request));
                other.sendRequest(ct);
                return;
            } catch (SipException e) { // the other side's dialog ended meanwhile (its BYE crossed this INFO)
                log.debug("call {}: INFO not passed on: {}", call.id, e.toString());
            }
        }
        st.sendResponse(sip.messages().createResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request));
    }

    /** The other side's final answer to an INFO passed on ({@link #info}) goes back as the answer to the one that sent it. */
    private void infoAnswered(Call.PassedInfo passed, int status, String reason)
            throws SipException, ParseException, InvalidArgumentException {
        Response r = sip.messages().createResponse(status, passed.request());
        if (reason != null) {
            r.setReasonPhrase(reason);
        }
        passed.transaction().sendResponse(r);
    }

    /**
     * An ACK. The caller's ACK of the 200 to its INVITE confirms its dialog: if the phone that answered chose other media
     * than the early SDP the caller took as the answer (another phone of the fork sent the early media; RFC 3261 13.2.1
     * keeps the caller from taking the 200's SDP instead), Atrium now offers the caller that phone's SDP by re-INVITE
     * ({@link #reoffer}), so that both phones send what the other expects.
     */
    void ack(RequestEvent event) {
        Object data = event.getDialog() == null ? null : event.getDialog().getApplicationData();
        if (!(data instanceof Call call)) {
            return;
        }
        long seq = ((CSeqHeader) event.getRequest().getHeader(CSeqHeader.NAME)).getSeqNumber();
        synchronized (call) {
            if (call.state == Call.State.ANSWERED && call.aMedia != null
                    && seq == ((CSeqHeader) call.aInvite.getHeader(CSeqHeader.NAME)).getSeqNumber()) {
                reoffer(call, true, call.bDirection, 0);
            }
        }
    }

    /**
     * An in-dialog re-INVITE (a session refresh or hold): answered with the SDP that side already has, since its media
     * keeps going to the same relay leg, in the direction that answers the offer's ({@link #answer}); unknown dialogs get
     * 481. An SDP naming another address (the phone moved) is that side's leg's new remote, which it learns anew; hold's
     * 0.0.0.0 changes nothing. An SDP says that side's direction now (not {@code sendrecv}: its silence ends nothing,
     * {@link #checkMedia}); a new one is passed on to the other side ({@link #reoffer}).
     */
    void reinvite(RequestEvent event) throws SipException, InvalidArgumentException, ParseException {
        Request request = event.getRequest();
        ServerTransaction st = serverTransaction(event);
        Object data = event.getDialog() == null ? null : event.getDialog().getApplicationData();
        Call call = data instanceof Call c ? c : data instanceof Call.Branch b ? b.call : null;
        boolean caller = data instanceof Call;
        Sdp offer = Sdp.parse(request.getRawContent());
        byte[] sdp = null;
        String passOn = null;
        if (call != null) {
            synchronized (call) {
                if (call.state == Call.State.ANSWERED) {
                    sdp = answer(caller ? call.aSdp : call.bSdp, offer);
                    if (caller) {
                        call.aSdp = sdp;
                    } else {
                        call.bSdp = sdp;
                    }
                    if (offer != null) {
                        String was = caller ? call.aDirection : call.bDirection;
                        if (caller) {
                            call.aDirection = offer.direction();
                        } else {
                            call.bDirection = offer.direction();
                        }
                        passOn = offer.direction().equals(was) ? null : offer.direction();
                    }
                }
            }
        }
        if (sdp != null && offer != null && !offer.address().equals("0.0.0.0")) {
            (caller ? call.aLeg : call.bLeg).remote(offer.address(), offer.audioPort());
        }
        if (sdp == null) {
            st.sendResponse(sip.messages().createResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request));
            return;
        }
        Response ok = sip.messages().createResponse(Response.OK, request, sdpType(), sdp);
        ok.addHeader(contact(transport(request)));
        st.sendResponse(ok);
        if (passOn != null) {
            synchronized (call) {
                if (call.state == Call.State.ANSWERED) {
                    reoffer(call, !caller, passOn, 0);
                }
            }
        }
    }

    /**
     * Passes a side's new direction on to the other side ({@code toCaller}: the caller), as a real PBX does, so that it
     * knows it is held (or resumed): a re-INVITE offering the SDP it has from Atrium in that direction (RFC 3264 8.4: the
     * holding side's {@code sendonly} is offered {@code sendonly}, which it answers {@code recvonly}; {@code inactive}
     * {@code inactive}; a resume {@code sendrecv}). Nothing when that SDP says so already. Its answer: {@link #reoffered}.
     * {@code attempt}: 0, or which retry after a 491 ({@link #retry}); the SDP is the one that side has now.
     */
    private void reoffer(Call call, boolean toCaller, String direction, int attempt) {
        int generation = toCaller ? ++call.aReoffers : ++call.bReoffers;
        byte[] sent = toCaller ? call.aSdp : call.bSdp;
        Sdp had = Sdp.parse(toCaller && call.aMedia != null ? call.aMedia : sent);
        if (had == null || sent == null) {
            return;
        }
        byte[] sdp = had.withDirection(direction).after(sent);
        if (java.util.Arrays.equals(sdp, sent)) {
            if (attempt > 0) {
                log.info("call {}: no re-INVITE needed any more: {} has {} already", call.id,
                        toCaller ? "the caller" : "the callee", direction);
            }
            return;
        }
        Dialog d = toCaller ? call.aDialog : call.winner.dialog;
        String side = toCaller ? "the caller" : "the callee";
        try {
            Request invite = d.createRequest(Request.INVITE);
            invite.setContent(sdp, sdpType());
            invite.addHeader(contact(transport(toCaller ? call.aInvite : call.winner.invite.getRequest())));
            ClientTransaction ct = provider.getNewClientTransaction(invite);
            ct.setApplicationData(new Call.Reoffer(call, toCaller, direction, sdp, attempt, generation));
            d.sendRequest(ct);
            log.info("call {}: re-INVITE to {}: {}{}", call.id, side, direction, attempt == 0 ? "" : " (retry " + attempt + ")");
        } catch (SipException | ParseException | RuntimeException e) {
            log.info("call {}: cannot re-INVITE {}: {}", call.id, side, e.toString());
        }
    }

    /**
     * The answer to Atrium's re-INVITE ({@link #reoffer}): a 2xx is ACKed, and its SDP is now that side's (its direction:
     * {@code recvonly} or {@code inactive} when held, which lets it be silent, {@link #checkMedia}; a new address moves
     * its relay leg as a re-INVITE's does). A 491 (glare) is retried after a random delay ({@link #retry}). Any other
     * refusal ends nothing: the side keeps what it had, and its silence counts
     * as before. But 408, 481 or no answer at all ({@link #timeout}) say its dialog is gone (RFC 3261 14.1: the dialog
     * ends), so the call ends ({@link #gone}): else a held side that agreed to be quiet and then vanished would never be
     * missed.
     */
    private void reoffered(Call.Reoffer r, ResponseEvent event) throws SipException, InvalidArgumentException {
        Response response = event.getResponse();
        int status = response.getStatusCode();
        Call call = r.call();
        String side = r.toCaller() ? "the caller" : "the callee";
        if (status < 200) {
            return;
        }
        if (status == Response.REQUEST_TIMEOUT || status == Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST) {
            gone(r, String.valueOf(status));
            return;
        }
        if (status == Response.REQUEST_PENDING && r.attempt() < REOFFER_RETRIES) {
            long delay = retryDelayMillis(!r.toCaller());
            log.info("call {}: {} answered the re-INVITE 491 (its own re-INVITE crossed it); again in {} ms", call.id, side,
                    delay);
            timer.schedule(() -> retry(r), delay, TimeUnit.MILLISECONDS);
            return;
        }
        if (status >= 300) {
            log.info("call {}: {} answered the re-INVITE {}; the call goes on", call.id, side, status);
            return;
        }
        Dialog d = event.getDialog() != null ? event.getDialog() : event.getClientTransaction().getDialog();
        d.sendAck(d.createAck(((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getSeqNumber()));
        Sdp answer = Sdp.parse(response.getRawContent());
        synchronized (call) {
            if (call.state != Call.State.ANSWERED) {
                return;
            }
            if (r.toCaller()) {
                call.aSdp = r.sdp();
                call.aMedia = null; // the caller has the answering phone's media now
            } else {
                call.bSdp = r.sdp();
            }
            if (answer == null) {
                return;
            }
            if (r.toCaller()) {
                call.aDirection = answer.direction();
            } else {
                call.bDirection = answer.direction();
            }
            if (!answer.address().equals("0.0.0.0")) {
                (r.toCaller() ? call.aLeg : call.bLeg).remote(answer.address(), answer.audioPort());
            }
            log.info("call {}: {} answered the re-INVITE {}", call.id, side, answer.direction());
        }
    }

    /**
     * Retries after a 491 (RFC 3261 14.1: glare, the other side's own re-INVITE crossed Atrium's): at most this many
     * times. One retry settles an honest glare: the side that does not own the dialog's Call-ID retries within 2 s,
     * the owner only after 2.1 s, so the two retries cannot cross again; a second 491 means that phone started yet
     * another re-INVITE within those seconds (a session refresh, say), which one more retry covers. A phone that answers
     * every re-INVITE 491 is then taken to refuse it, as a 488 would ({@link #reoffered}), rather than kept busy.
     */
    static final int REOFFER_RETRIES = 2;

    /**
     * How long to wait before retrying a re-INVITE that got 491 (RFC 3261 14.1), in steps of 10 ms: 2.1 to 4 s when
     * Atrium owns the dialog's Call-ID ({@code owner}: the callee's side, whose INVITE Atrium sent), else 0 to 2 s
     * (the caller's side).
     */
    static long retryDelayMillis(boolean owner) {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        return 10L * (owner ? random.nextInt(210, 401) : random.nextInt(0, 201));
    }

    /**
     * The retry of a re-INVITE that got 491 ({@code r}), on the SIP timer: unless the call ended, or a later re-INVITE to
     * that side was decided meanwhile (the holding side changed its direction again: that one says what is true now),
     * the same direction is offered again on the SDP that side has now — which its own re-INVITE, the one that crossed
     * Atrium's, may have changed: when Atrium's answer to it already said that direction, nothing is sent.
     */
    private void retry(Call.Reoffer r) {
        Call call = r.call();
        synchronized (call) {
            int generation = r.toCaller() ? call.aReoffers : call.bReoffers;
            if (call.state == Call.State.ANSWERED && generation == r.generation()) {
                reoffer(call, r.toCaller(), r.direction(), r.attempt() + 1);
            }
        }
    }

    /**
     * Atrium's answer to {@code offer} from a side that last got {@code sent} from Atrium: that SDP (its media still go to
     * the same relay leg), in the direction that answers the offer's (RFC 3264 6.1: {@code sendonly} is answered
     * {@code recvonly}, {@code inactive} {@code inactive}; {@code c=0.0.0.0} counts as {@code sendonly}), its origin
     * version one up when that changed it. No offer (a re-INVITE without SDP): {@code sent} as it is; nothing sent: null.
     */
    private static byte[] answer(byte[] sent, Sdp offer) {
        Sdp had = Sdp.parse(sent);
        return offer == null || had == null ? sent : had.withDirection(offer.answerDirection()).after(sent);
    }

    /** The side Atrium re-INVITEd ({@code r}) is gone ({@code what} it answered): BYE to both sides saying so. */
    private void gone(Call.Reoffer r, String what) {
        Call call = r.call();
        String side = r.toCaller() ? "the caller" : "the callee";
        synchronized (call) {
            if (call.state == Call.State.ANSWERED) {
                log.info("call {}: {} to the re-INVITE to {}; hanging up", call.id, what, side);
                hangUp(call, Hangups.normal("re-INVITE unanswered by " + side));
            }
        }
    }

    /** A branch whose INVITE got no answer at all from the phone. */
    void timeout(ClientTransaction ct) throws SipException, InvalidArgumentException, ParseException {
        if (ct != null && ct.getApplicationData() instanceof Call.Reoffer r) {
            gone(r, "no answer");
            return;
        }
        if (ct != null && ct.getApplicationData() instanceof Call.PassedInfo passed) {
            infoAnswered(passed, Response.REQUEST_TIMEOUT, null);
            return;
        }
        if (ct == null || !(ct.getApplicationData() instanceof Call.Branch b)) {
            return;
        }
        synchronized (b.call) {
            b.done = true;
            b.status = Response.REQUEST_TIMEOUT;
            finishIfAllFailed(b.call);
        }
    }

    private void ringTimeout(Call call) {
        synchronized (call) {
            if (call.state == Call.State.RINGING) {
                log.info("call {}: no answer in {} s", call.id, config.ringTimeoutSeconds());
                try {
                    fail(call, Response.REQUEST_TIMEOUT);
                } catch (SipException | InvalidArgumentException | ParseException e) {
                    log.warn("call {}: ending after the ring timeout: {}", call.id, e.toString());
                }
            }
        }
    }

    /**
     * Every second of an answered call: a side that took no RTP or RTCP for {@code rooms.media_timeout_seconds} while not
     * quiet on purpose (holding or held, {@link Sdp#quiet}) is gone (unplugged, its NAT mapping lost: no BYE will come),
     * so the call ends with BYE to both sides saying {@code no media from the caller} (or callee), and its slot is given
     * back.
     */
    private void checkMedia(Call call) {
        synchronized (call) {
            if (call.state != Call.State.ANSWERED) {
                return;
            }
            long now = System.nanoTime();
            boolean aSilent = call.aSilence.over(call.aLeg.packets(), Sdp.quiet(call.aDirection), now, mediaTimeoutNanos);
            boolean bSilent = call.bSilence.over(call.bLeg.packets(), Sdp.quiet(call.bDirection), now, mediaTimeoutNanos);
            if (aSilent || bSilent) {
                String who = aSilent ? "the caller" : "the callee";
                log.info("call {}: no media from {} in {} ms; hanging up", call.id, who,
                        TimeUnit.NANOSECONDS.toMillis(mediaTimeoutNanos));
                try {
                    hangUp(call, Hangups.normal("no media from " + who));
                } catch (RuntimeException e) {
                    log.info("call {}: hanging up: {}", call.id, e.toString());
                }
            }
        }
    }

    /** Ends an answered call on Atrium's side: BYE to both sides saying {@code why}. */
    private void hangUp(Call call, Hangups.Why why) {
        try {
            bye(call.aDialog, why);
            bye(call.winner.dialog, why);
        } finally {
            end(call);
        }
    }

    private void finishIfAllFailed(Call call) throws SipException, InvalidArgumentException, ParseException {
        if (call.state != Call.State.RINGING || call.branches.stream().anyMatch(b -> !b.done)) {
            return;
        }
        fail(call, ForkBranch.finalStatus(call.branches));
    }

    /**
     * The server is stopping (docs/SIP.md, "Restarts"): every call ends, saying {@link Hangups#STOPPING} — a
     * ringing one with 503 to the caller (with {@code Retry-After}, {@link SipFactories#RETRY_AFTER_STOPPING}) and
     * CANCEL to its phones (whose answers {@link CancelledInvites} waits for), an answered one with BYE to both sides;
     * new calls are refused from now on ({@link #invite}).
     */
    void stop() {
        stopping = true;
        for (Call call : byCallerCallId.values()) {
            synchronized (call) {
                try {
                    if (call.state == Call.State.RINGING) {
                        stopRinging(call);
                    } else if (call.state == Call.State.ANSWERED) {
                        hangUp(call, Hangups.STOPPING);
                    }
                } catch (SipException | InvalidArgumentException | ParseException | RuntimeException e) {
                    log.info("call {}: ending as the server stops: {}", call.id, e.toString());
                }
            }
        }
    }

    /** Ends a ringing call as the server stops: 503 with {@code Retry-After} to the caller, CANCEL to its phones. */
    private void stopRinging(Call call) throws SipException, InvalidArgumentException, ParseException {
        Response unavailable = toCaller(call, Response.SERVICE_UNAVAILABLE, null);
        unavailable.addHeader(sip.headers().createRetryAfterHeader(SipFactories.RETRY_AFTER_STOPPING));
        fail(call, unavailable, Hangups.STOPPING);
    }

    /**
     * Ends a ringing call with {@code status} to the caller (the caller cancelled, a phone declined, every phone failed, no
     * answer): CANCEL to open branches saying why ({@link Hangups#forkEnded}).
     */
    private void fail(Call call, int status) throws SipException, InvalidArgumentException, ParseException {
        fail(call, toCaller(call, status, null), Hangups.forkEnded(status));
    }

    /** Ends a ringing call: CANCEL to open branches saying {@code why}, {@code response} to the caller. */
    private void fail(Call call, Response response, Hangups.Why why) throws SipException, InvalidArgumentException {
        call.endedBecause = why;
        for (Call.Branch b : call.branches) {
            if (!b.done) {
                cancel(b, why);
            }
        }
        call.aTransaction.sendResponse(response);
        log.info("call {}: ended with {}", call.id, response.getStatusCode());
        end(call);
    }

    private void end(Call call) {
        if (call.state == Call.State.ENDED) {
            return;
        }
        call.state = Call.State.ENDED;
        if (call.ringTimer != null) {
            call.ringTimer.cancel(false);
        }
        if (call.mediaTimer != null) {
            call.mediaTimer.cancel(false);
        }
        call.aLeg.close();
        call.bLeg.close();
        call.release.run(); // before the call leaves the listing: once it is gone, its slot is back
        byCallerCallId.remove(callId(call.aInvite));
    }

    private void cancel(Call.Branch b, Hangups.Why why) {
        b.cancel(provider, sip.headers(), cancelled, why);
    }

    private void bye(Dialog d, Hangups.Why why) {
        ForkBranch.bye(provider, sip.headers(), d, why);
    }

    /** The transport {@code request} came or went over (its Via's), lower case. */
    private static String transport(Request request) {
        return ((ViaHeader) request.getHeader(ViaHeader.NAME)).getTransport().toLowerCase(Locale.ROOT);
    }

    private ContactHeader contact(String transport) throws ParseException {
        return sip.contact(config.publicAddress(), config.port(), transport);
    }

    private ContentTypeHeader sdpType() throws ParseException {
        return sip.sdpType();
    }

    private ServerTransaction serverTransaction(RequestEvent event) throws SipException {
        return event.getServerTransaction() != null ? event.getServerTransaction()
                : provider.getNewServerTransaction(event.getRequest());
    }

    private static String callId(Request r) {
        return ((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId();
    }
}
