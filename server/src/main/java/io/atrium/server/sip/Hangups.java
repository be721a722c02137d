package io.atrium.server.sip;

import java.text.ParseException;
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
 * (docs/SIP.md, "Why Atrium hangs up"). The why is the text Atrium logs (the room's reason for a seat
 * that ended, e.g. {@code removed by an admin}, or Atrium's own, e.g. {@value #STOPPING}); it goes as the
 * header's text, and decides the cause here, in one place:
 * <ul>
 * <li>the server stopping, its media stopping, the room's node gone or moved: {@code SIP;cause=503} (the
 * phone may call again in a moment, on this node once restarted or on another);</li>
 * <li>{@value #ELSEWHERE} (another phone or app answered first): {@code SIP;cause=200}, RFC 3326's own
 * example, which phones take as "not a missed call";</li>
 * <li>{@value #NO_COMMON_AUDIO}: {@code SIP;cause=488};</li>
 * <li>anything else (removed by a host, the room ended, a refused PIN, the other side hung up):
 * {@code Q.850;cause=16}, normal call clearing.</li>
 * </ul>
 */
final class Hangups {

    /** Atrium stops: open calls and ringing invites end. */
    static final String STOPPING = "server stopping";
    /** Another phone of the fork, or an app, answered first. */
    static final String ELSEWHERE = "Call completed elsewhere";
    /** A phone answered with no audio codec Atrium speaks. */
    static final String NO_COMMON_AUDIO = "no common audio codec";
    /** The longest text a Reason carries (the why is cut there). */
    static final int MAX_TEXT = 64;
    /** Q.850's "normal call clearing". */
    static final int NORMAL_CLEARING = 16;

    private Hangups() {
    }

    /** The {@code Reason} for a call Atrium ends because of {@code why}. */
    static ReasonHeader reason(HeaderFactory headers, String why) {
        String w = why == null ? "" : why;
        String text = text(w);
        try {
            if (unavailable(w)) {
                return headers.createReasonHeader("SIP", Response.SERVICE_UNAVAILABLE, text);
            } else if (ELSEWHERE.equals(w)) {
                return headers.createReasonHeader("SIP", Response.OK, text);
            } else if (NO_COMMON_AUDIO.equals(w)) {
                return headers.createReasonHeader("SIP", Response.NOT_ACCEPTABLE_HERE, text);
            }
            return headers.createReasonHeader("Q.850", NORMAL_CLEARING, text);
        } catch (ParseException | InvalidArgumentException e) {
            throw new IllegalStateException("Reason header for " + text, e); // the text is plain ASCII without quotes
        }
    }

    /** Sends BYE in {@code dialog}, saying {@code why}. */
    static void bye(SipProvider provider, HeaderFactory headers, Dialog dialog, String why) throws SipException {
        Request bye = dialog.createRequest(Request.BYE);
        bye.addHeader(reason(headers, why));
        dialog.sendRequest(provider.getNewClientTransaction(bye));
    }

    /** Sends CANCEL for {@code invite}, saying {@code why}. */
    static void cancel(SipProvider provider, HeaderFactory headers, ClientTransaction invite, String why) throws SipException {
        Request cancel = invite.createCancel();
        cancel.addHeader(reason(headers, why));
        provider.getNewClientTransaction(cancel).sendRequest();
    }

    /** The server or its media is stopping, or the room went to another node (the room's texts for these). */
    private static boolean unavailable(String why) {
        return why.contains("stopping") || why.contains("shutting down") || why.contains("node is gone")
                || why.contains("another node");
    }

    /** {@code why} as a quoted-string's content: printable ASCII without quotes or backslashes, at most {@value #MAX_TEXT}. */
    static String text(String why) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < why.length() && b.length() < MAX_TEXT; i++) {
            char c = why.charAt(i);
            b.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? c : ' ');
        }
        String text = b.toString().strip();
        return text.isEmpty() ? "call ended" : text;
    }
}
