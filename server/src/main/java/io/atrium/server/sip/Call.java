package io.atrium.server.sip;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;

/**
 * One call through the B2BUA: the caller's leg (A: the INVITE Atrium answers) and the forked legs to
 * the callee's phones (B branches), the winner among them, and the relay legs carrying the media.
 * Every field is guarded by the call's monitor; {@link B2bua} changes it.
 */
final class Call {

    enum State { RINGING, ANSWERED, ENDED }

    /**
     * A re-INVITE Atrium sent one side ({@code toCaller}: the caller) to pass on the other side's new direction (hold,
     * resume), offering {@code sdp}: what that side has from Atrium once it agrees; {@code attempt} 0 for the first,
     * one up for each retry after a 491 ({@link B2bua}); {@code generation} which of the re-INVITEs to that side it is
     * ({@link #aReoffers}, {@link #bReoffers}): a retry goes only while no later one was decided.
     */
    record Reoffer(Call call, boolean toCaller, String direction, byte[] sdp, int attempt, int generation) {
    }

    /** An INFO from one side ({@code request}, answered on {@code transaction}) that Atrium passed on to the other. */
    record PassedInfo(ServerTransaction transaction, Request request) {
    }

    /** One INVITE Atrium sent to one of the callee's phones (or to a trunk). */
    static final class Branch extends ForkBranch {
        final Call call;
        /**
         * The first SDP this phone sent in a provisional response (its early answer), null: none yet. RFC 3261 13.2.1: it
         * is the phone's answer, and an SDP in its later responses (its 200 too) is ignored.
         */
        Sdp early;

        Branch(Call call, String target) {
            super(target);
            this.call = call;
        }
    }

    final UUID id = UUID.randomUUID();
    /** The number the call goes with (the caller's extension, a trunk's {@code caller_id}, or a trunk caller's number). */
    final String from;
    /** The directory user whose phone placed the call; null for a call from a trunk. */
    final UUID callerUser;
    final String to;
    final Instant startedAt;
    final Request aInvite;
    final ServerTransaction aTransaction;
    final Dialog aDialog;
    final String aTag;
    final RtpRelay.Leg aLeg;
    final RtpRelay.Leg bLeg;
    final List<Branch> branches = new ArrayList<>();
    State state = State.RINGING;
    Instant answeredAt;
    Branch winner;
    boolean ringingSent;
    /**
     * The branch whose early media the relay now carries to the caller (the callee's leg takes its packets), null: none
     * ({@link B2bua}, "early media").
     */
    Branch earlyBranch;
    /** Why it ended while ringing (a phone answering after that is hung up saying so). */
    Hangups.Why endedBecause;
    /**
     * The SDP Atrium sent to the caller (in its 183 with early media, or else in its 200: the same one in both) and to
     * the callee's phones (in the INVITEs).
     */
    byte[] aSdp;
    byte[] bSdp;
    /**
     * What the caller is to get from Atrium once it ACKed the 200, by re-INVITE: the answering phone's SDP pointed at the
     * caller's leg, when it says other media than the early SDP the caller took as the answer ({@link Sdp#sameMedia});
     * null: nothing to tell.
     */
    byte[] aMedia;
    /** The answering phone's own SDP (before Atrium pointed it at the relay). */
    Sdp answer;
    ScheduledFuture<?> ringTimer;
    /** Once answered: checks every second whether either side went silent ({@link B2bua}, "no media"). */
    ScheduledFuture<?> mediaTimer;
    /**
     * The direction (RFC 3264: {@code sendrecv}, {@code sendonly}, {@code recvonly}, {@code inactive}) the caller's (A)
     * and the answering phone's (B) latest SDP said: its offer (the INVITE, a re-INVITE) or its answer (to the INVITE,
     * to Atrium's re-INVITE). A side whose direction is not {@code sendrecv} may be silent ({@link Sdp#quiet}).
     */
    String aDirection = "sendrecv";
    String bDirection = "sendrecv";
    /** How many times Atrium decided to re-INVITE the caller (A) and the answering phone (B) ({@link Reoffer}). */
    int aReoffers;
    int bReoffers;
    /** Once answered: how long each side has sent nothing ({@link Silence}). */
    Silence aSilence;
    Silence bSilence;
    /** Gives back what the call took before it rang ({@link B2bua.Slot}): run once it is over. */
    final Runnable release;

    Call(String from, UUID callerUser, String to, Instant startedAt, Request aInvite, ServerTransaction aTransaction, Dialog aDialog,
         String aTag, RtpRelay.Leg aLeg, RtpRelay.Leg bLeg, Runnable release) {
        this.from = from;
        this.callerUser = callerUser;
        this.to = to;
        this.startedAt = startedAt;
        this.aInvite = aInvite;
        this.aTransaction = aTransaction;
        this.aDialog = aDialog;
        this.aTag = aTag;
        this.aLeg = aLeg;
        this.bLeg = bLeg;
        this.release = release;
    }

    /** What the REST API lists. */
    synchronized CallInfo info() {
        return new CallInfo(id, from, to, state.name().toLowerCase(java.util.Locale.ROOT), startedAt, answeredAt,
                aLeg.packets(), bLeg.packets());
    }
}
