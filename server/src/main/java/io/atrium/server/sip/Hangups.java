package io.atrium.server.sip;

import gov.nist.javax.sip.message.SIPResponse;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ReasonHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Every BYE and CANCEL Atrium sends on its own says why, with an RFC 3326 {@code Reason} header
 * (docs/SIP.md, "Why Atrium hangs up"). Where a call ends, Atrium decides a {@link Why}: a {@link Cause}
 * and the text it logs (e.g. the room's {@code removed by an admin}); {@link #reason} maps it to the
 * header, in this one place. A BYE that answers the other side's BYE, and the CANCELs that answer the caller's
 * CANCEL, pass on that side's own well-formed {@code Reason} instead ({@link #passedOn}, {@link Why#passing}).
 */
final class Hangups {

    /** Why Atrium ends a call; {@link #reason} gives each its {@code Reason}. */
    enum Cause {
        /**
         * Atrium cannot keep the call now: the server or its media stopping, the room answering 503 (e.g. its
         * media stopping), the room gone to another node. {@code SIP;cause=503}: the phone may call again in a moment.
         */
        UNAVAILABLE,
        /** Another phone of the fork, or an app, answered first. {@code SIP;cause=200}, which phones keep out of missed calls. */
        ELSEWHERE,
        /** A phone answered with no audio codec Atrium speaks. {@code SIP;cause=488}. */
        NO_COMMON_AUDIO,
        /**
         * The invited user declined on another device: a phone of the fork answered 6xx (which ends the fork, RFC 3261
         * 16.7), or an app declined an invite. {@code SIP;cause=<that status>}, the final response that ended the fork.
         */
        DECLINED,
        /** Anything else (removed by a host, the room ended, a wrong PIN, the other side hung up...): {@code Q.850;cause=16}. */
        NORMAL
    }

    /**
     * Why a call ends: its cause, the text Atrium logs and says, for {@link Cause#DECLINED} the 6xx status (else 0), and
     * the other side's own {@code Reason} values to say instead of Atrium's ({@link #passedOn}; empty: Atrium's own).
     */
    record Why(Cause cause, String text, int status, List<ReasonHeader> passedOn) {
        Why(Cause cause, String text, int status) {
            this(cause, text, status, List.of());
        }

        /** This why, saying the other side's {@code passedOn} Reasons instead of Atrium's own when there are any. */
        Why passing(List<ReasonHeader> given) {
            return new Why(cause, text, status, List.copyOf(given));
        }
    }

    /** Atrium stops: open calls and ringing invites end. */
    static final Why STOPPING = new Why(Cause.UNAVAILABLE, "server stopping", 0);
    /** Another phone of the fork, or an app, answered first. */
    static final Why ELSEWHERE = new Why(Cause.ELSEWHERE, "Call completed elsewhere", 0);
    /** A phone answered with no audio codec Atrium speaks. */
    static final Why NO_COMMON_AUDIO = new Why(Cause.NO_COMMON_AUDIO, "no common audio codec", 0);
    /** An app of the invited user declined the invite: for the phones, as a phone's {@code 603 Decline}. */
    static final Why DECLINED = declined(Response.DECLINE);
    /** The longest text a Reason carries (the why is cut there). */
    static final int MAX_TEXT = 64;
    /** Q.850's "normal call clearing". */
    static final int NORMAL_CLEARING = 16;

    private Hangups() {
    }

    /** An ordinary end, saying {@code text}. */
    static Why normal(String text) {
        return new Why(Cause.NORMAL, text, 0);
    }

    /** Atrium cannot keep the call now, saying {@code text}. */
    static Why unavailable(String text) {
        return new Why(Cause.UNAVAILABLE, text, 0);
    }

    /** A fork that ended with the 6xx {@code status}: the status and its reason phrase. */
    static Why declined(int status) {
        return new Why(Cause.DECLINED, SIPResponse.getReasonPhrase(status), status);
    }

    /**
     * A fork that no phone answered, ended with {@code status} (as its caller hears it): a 6xx declined; the caller's
     * CANCEL (487) {@code cancelled by the caller}; else an ordinary end saying {@link Invites#reason}.
     */
    static Why forkEnded(int status) {
        return status >= 600 ? declined(status)
                : normal(status == Response.REQUEST_TERMINATED ? "cancelled by the caller" : Invites.reason(status));
    }

    /** The {@code Reason} for a call Atrium ends because of {@code why}: the one mapping. */
    static ReasonHeader reason(HeaderFactory headers, Why why) {
        String text = text(why.text());
        try {
            return switch (why.cause()) {
                case UNAVAILABLE -> headers.createReasonHeader("SIP", Response.SERVICE_UNAVAILABLE, text);
                case ELSEWHERE -> headers.createReasonHeader("SIP", Response.OK, text);
                case NO_COMMON_AUDIO -> headers.createReasonHeader("SIP", Response.NOT_ACCEPTABLE_HERE, text);
                case DECLINED -> headers.createReasonHeader("SIP", why.status(), text);
                case NORMAL -> headers.createReasonHeader("Q.850", NORMAL_CLEARING, text);
            };
        } catch (ParseException | InvalidArgumentException e) {
            throw new IllegalStateException("Reason header for " + text, e); // the text is plain ASCII without quotes
        }
    }

    /**
     * The {@code Reason} values of {@code request} (the other side's BYE or CANCEL) to pass on: each well-formed SIP
     * (cause a status, 100-699) or Q.850 (cause 1-127) one, the first of each protocol, made anew with its text as short
     * quoted ASCII ({@link #text}); empty when it has none, so that Atrium says its own.
     */
    static List<ReasonHeader> passedOn(HeaderFactory headers, Request request) {
        List<ReasonHeader> out = new ArrayList<>(2);
        ListIterator<?> given = request.getHeaders(ReasonHeader.NAME);
        while (given != null && given.hasNext()) {
            ReasonHeader made = given.next() instanceof ReasonHeader r ? wellFormed(headers, r) : null;
            if (made != null && out.stream().noneMatch(o -> o.getProtocol().equals(made.getProtocol()))) {
                out.add(made);
            }
        }
        return out;
    }

    /** {@code r} made anew when it is a SIP one with a status (100-699) or a Q.850 one with a cause (1-127); else null. */
    private static ReasonHeader wellFormed(HeaderFactory headers, ReasonHeader r) {
        String given = r.getProtocol();
        String protocol = "SIP".equalsIgnoreCase(given) ? "SIP" : "Q.850".equalsIgnoreCase(given) ? "Q.850" : null;
        int cause = r.getCause();
        if (protocol == null || (protocol.equals("SIP") ? cause < 100 || cause > 699 : cause < 1 || cause > 127)) {
            return null;
        }
        try {
            return headers.createReasonHeader(protocol, cause, r.getText() == null ? null : text(r.getText()));
        } catch (ParseException | InvalidArgumentException e) {
            throw new IllegalStateException("Reason header passed on", e); // checked above; the text is plain ASCII
        }
    }

    /** Sends BYE in {@code dialog}, saying {@code why}. */
    static void bye(SipProvider provider, HeaderFactory headers, Dialog dialog, Why why) throws SipException {
        Request bye = dialog.createRequest(Request.BYE);
        say(bye, headers, why);
        dialog.sendRequest(provider.getNewClientTransaction(bye));
    }

    /** Sends CANCEL for {@code invite}, saying {@code why}. */
    static void cancel(SipProvider provider, HeaderFactory headers, ClientTransaction invite, Why why) throws SipException {
        Request cancel = invite.createCancel();
        say(cancel, headers, why);
        provider.getNewClientTransaction(cancel).sendRequest();
    }

    /** Adds {@code why}'s Reasons to {@code request}: the other side's passed on (a copy each), else Atrium's own. */
    private static void say(Request request, HeaderFactory headers, Why why) {
        if (why.passedOn().isEmpty()) {
            request.addHeader(reason(headers, why));
        } else {
            why.passedOn().forEach(r -> request.addHeader((ReasonHeader) r.clone()));
        }
    }

    /** {@code why} as a quoted-string's content: printable ASCII without quotes or backslashes, at most {@value #MAX_TEXT}. */
    static String text(String why) {
        String w = why == null ? "" : why;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < w.length() && b.length() < MAX_TEXT; i++) {
            char c = w.charAt(i);
            b.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? c : ' ');
        }
        String text = b.toString().strip();
        return text.isEmpty() ? "call ended" : text;
    }
}
