package io.atrium.server.sip;

import gov.nist.javax.sip.message.SIPRequest;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.room.RoomService;
import io.atrium.server.sfu.Shards;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls into rooms (docs/SIP.md, "Rooms on the phone"): Atrium answers the phone itself (200 OK with its
 * own SDP: one codec of the offer, Opus or G.711, and telephone-event), so the phone can hear tones and
 * send its PIN, then the {@link RoomCall} takes it into the room. The phone's BYE leaves the room; the
 * room ending the seat sends Atrium's BYE. A re-INVITE agrees the media again (hold, resume, codec).
 */
final class RoomCalls {

    private static final Logger log = LoggerFactory.getLogger("atrium.sip.rooms");

    /** One answered call into a room: the dialog's application data. */
    private record Answered(RoomCall call, PhoneMember phone, byte[] sdp, String from, String to, Instant startedAt, RtpRelay.Leg rtp) {
        Answered withSdp(byte[] newSdp) {
            return new Answered(call, phone, newSdp, from, to, startedAt, rtp);
        }
    }

    private final AtriumConfig.Sip config;
    private final SipFactories sip;
    private final SipProvider provider;
    private final RtpRelay relay;
    private final RoomService rooms;
    private final ScheduledExecutorService timer;
    private final RoomBridge bridge;
    private final Shards shards;
    private final Clock clock;
    private final Map<String, Answered> calls = new ConcurrentHashMap<>();

    RoomCalls(AtriumConfig.Sip config, SipFactories sip, SipProvider provider, RtpRelay relay, RoomService rooms, Shards shards,
              ScheduledExecutorService timer, Clock clock) {
        this.config = config;
        this.sip = sip;
        this.provider = provider;
        this.relay = relay;
        this.rooms = rooms;
        this.timer = timer;
        this.clock = clock;
        this.shards = shards;
        this.bridge = new RoomBridge(shards, timer);
    }

    /**
     * An INVITE to {@code room}'s number from {@code callerName}/{@code callerNumber}, who proved to be
     * directory user {@code user} (null: a trunk caller, anonymous to the room).
     */
    void invite(RequestEvent event, String callerName, String callerNumber, UUID user, UUID room, String number)
            throws SipException, InvalidArgumentException, ParseException {
        Request request = event.getRequest();
        ServerTransaction st = event.getServerTransaction() != null ? event.getServerTransaction()
                : provider.getNewServerTransaction(request);
        if (shards.stopping()) { // the media takes no more members: not answered only to be hung up (docs/SIP.md, "Restarts")
            st.sendResponse(sip.unavailable(request, SipFactories.RETRY_AFTER_STOPPING));
            log.info("sip call from {} to room {} refused: the server is stopping", callerNumber, room);
            return;
        }
        Sdp offer = Sdp.parse(request.getRawContent());
        PhoneSdp agreed = offer == null ? null : PhoneSdp.negotiate(offer);
        if (agreed == null) {
            st.sendResponse(sip.messages().createResponse(Response.NOT_ACCEPTABLE_HERE, request));
            return;
        }
        Dialog dialog = provider.getNewDialog(st);
        RtpRelay.Leg rtp = relay.allocate();
        rtp.remote(agreed.address(), agreed.port());
        String callId = UUID.randomUUID().toString();
        String name = callerName != null && !callerName.isBlank() ? callerName : callerNumber;
        RoomCall call = new RoomCall(callId, room, name, rooms, timer, why -> bye(dialog, callId, why), () -> { });
        byte[] sdp = agreed.answer(config.publicAddress(), rtp.port());
        PhoneMember phone = bridge.phone(room, callId, user, agreed, rtp, call, reason -> {
            calls.remove(callId);
            call.end(Hangups.normal(reason), true);
        });
        Answered answered = new Answered(call, phone, sdp, callerNumber, number, clock.instant(), rtp);
        dialog.setApplicationData(answered);
        calls.put(callId, answered);
        Response ok = sip.messages().createResponse(Response.OK, request, sip.sdpType(), sdp);
        ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(Long.toHexString(Double.doubleToLongBits(Math.random())));
        ok.addHeader(sip.contact(config.publicAddress(), config.port(), transport(request)));
        ok.addHeader(sip.headers().createHeader(B2bua.CALL_ID_HEADER, callId));
        st.sendResponse(ok);
        log.info("sip call {}: {} ({}) dialled room {} with {}", callId, callerNumber, name, room, agreed.codec());
        call.start(phone, "sip:" + ((SIPRequest) request).getRemoteAddress().getHostAddress(), null);
    }

    /**
     * A phone Atrium dialled for a room's invite answered ({@link DialOut}): it joins {@code room} at once
     * with the invite's {@code token} (no PIN, no waiting room) as {@code callId}, and from here on is a
     * call into a room like a dialled-in one (BYE, re-INVITE, {@code remove_member}); {@code ended} runs once when
     * it ends.
     */
    void answeredInvite(Dialog dialog, PhoneSdp agreed, RtpRelay.Leg rtp, UUID room, String callId, UUID user, String token,
                        String from, String to, Runnable ended) {
        RoomCall call = new RoomCall(callId, room, to, rooms, timer, why -> bye(dialog, callId, why), ended);
        PhoneMember phone = bridge.phone(room, callId, user, agreed, rtp, call, reason -> {
            calls.remove(callId);
            call.end(Hangups.normal(reason), true);
        });
        Answered answered = new Answered(call, phone, agreed.answer(config.publicAddress(), rtp.port()), from, to, clock.instant(), rtp);
        dialog.setApplicationData(answered);
        calls.put(callId, answered);
        log.info("sip call {}: {} answered the invite into room {} with {}", callId, to, room, agreed.codec());
        call.start(phone, "sip:" + agreed.address(), token);
    }

    /** Whether {@code dialog} is a call into a room (then BYE and re-INVITE go here). */
    static boolean owns(Dialog dialog) {
        return dialog != null && dialog.getApplicationData() instanceof Answered;
    }

    /** The phone hung up. */
    void bye(RequestEvent event) throws SipException, InvalidArgumentException, ParseException {
        Answered a = (Answered) event.getDialog().getApplicationData();
        serverTransaction(event).sendResponse(sip.messages().createResponse(Response.OK, event.getRequest()));
        calls.remove(a.call.callId);
        a.call.hungUp();
    }

    /**
     * A re-INVITE. Without SDP (a session refresh) it is answered with the SDP Atrium gave last. With an
     * offer the media is agreed again as for a new call: a new address, codec or payload types take
     * effect at once; {@code sendonly}/{@code inactive} (or {@code c=0.0.0.0}) holds the call — nothing
     * is sent to the phone and its silence does not count as a silent member — and {@code sendrecv}
     * resumes it. An offer without audio Atrium speaks gets 488 and the call stays as it was.
     */
    void reinvite(RequestEvent event) throws SipException, InvalidArgumentException, ParseException {
        Answered a = (Answered) event.getDialog().getApplicationData();
        Sdp offer = Sdp.parse(event.getRequest().getRawContent());
        if (offer != null) {
            PhoneSdp agreed = PhoneSdp.negotiate(offer);
            if (agreed == null) {
                serverTransaction(event).sendResponse(sip.messages().createResponse(Response.NOT_ACCEPTABLE_HERE, event.getRequest()));
                return;
            }
            if (!offer.address().equals("0.0.0.0")) {
                a.rtp.remote(agreed.address(), agreed.port());
            }
            a.phone.agree(agreed, offer.holds());
            a = a.withSdp(agreed.answer(config.publicAddress(), a.rtp.port(), offer.answerDirection()));
            event.getDialog().setApplicationData(a);
            calls.put(a.call.callId, a);
            log.info("sip call {}: re-INVITE: {} {}, {}", a.call.callId, agreed.codec(), agreed.payloadType(), offer.direction());
        }
        Response ok = sip.messages().createResponse(Response.OK, event.getRequest(), sip.sdpType(), a.sdp);
        ok.addHeader(sip.contact(config.publicAddress(), config.port(), transport(event.getRequest())));
        serverTransaction(event).sendResponse(ok);
    }

    /**
     * A SIP INFO from the phone: a DTMF key in it ({@link InfoDtmf}) counts as one in its RTP does (the PIN, the keypad);
     * another body gets 415 with the types Atrium reads, one naming no key 400 saying why.
     */
    void info(RequestEvent event) throws SipException, InvalidArgumentException, ParseException {
        Answered a = (Answered) event.getDialog().getApplicationData();
        Request request = event.getRequest();
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        InfoDtmf.Result read = InfoDtmf.read(type == null ? null : type.getContentType() + "/" + type.getContentSubType(),
                request.getRawContent());
        Response response;
        if (read instanceof InfoDtmf.Key key) {
            a.call.onDigit(null, key.digit());
            response = sip.messages().createResponse(Response.OK, request);
        } else if (read instanceof InfoDtmf.Malformed bad) {
            response = sip.messages().createResponse(Response.BAD_REQUEST, request);
            response.setReasonPhrase("Bad Request: " + bad.why());
        } else {
            response = sip.messages().createResponse(Response.UNSUPPORTED_MEDIA_TYPE, request);
            for (String accepted : InfoDtmf.TYPES) {
                String[] t = accepted.split("/");
                response.addHeader(sip.headers().createAcceptHeader(t[0], t[1]));
            }
        }
        serverTransaction(event).sendResponse(response);
    }

    /** Calls into rooms now, as {@code GET /v1/sip/calls} lists them (state {@code room}). */
    List<CallInfo> active() {
        return calls.values().stream().map(a -> new CallInfo(UUID.fromString(a.call.callId), a.from, a.to,
                a.call.state().name().toLowerCase(Locale.ROOT), a.startedAt, a.startedAt, a.rtp.packets(), 0)).toList();
    }

    /**
     * The server is stopping (docs/SIP.md, "Restarts"): every call into a room ends, its phone told why
     * ({@link Hangups#STOPPING}: a BYE with {@code Reason: SIP;cause=503}), while the SIP stack still runs.
     */
    void stop() {
        calls.values().forEach(a -> a.call.end(Hangups.STOPPING, true));
    }

    /** Atrium's BYE to a call into a room, saying {@code why} ({@link Hangups}). */
    private void bye(Dialog dialog, String callId, Hangups.Why why) {
        calls.remove(callId);
        try {
            Hangups.bye(provider, sip.headers(), dialog, why);
        } catch (SipException | RuntimeException e) {
            log.debug("sip call {}: BYE: {}", callId, e.toString());
        }
    }

    private ServerTransaction serverTransaction(RequestEvent event) throws SipException {
        return event.getServerTransaction() != null ? event.getServerTransaction()
                : provider.getNewServerTransaction(event.getRequest());
    }

    private static String transport(Request request) {
        return ((ViaHeader) request.getHeader(ViaHeader.NAME)).getTransport().toLowerCase(Locale.ROOT);
    }
}
