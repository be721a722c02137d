package io.atrium.server.sip;

import io.atrium.server.room.PhoneLine;
import io.atrium.server.sfu.LocalPeer;
import io.atrium.server.sfu.MediaKind;
import io.atrium.server.sfu.Receiver;
import io.atrium.server.sfu.Router;
import io.atrium.server.sfu.TrackInfo;
import io.atrium.server.sip.audio.AudioLeg;
import io.atrium.server.sip.audio.OpusCodec;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A phone in a room, as the room sees it ({@link PhoneLine}) and as the audio engine does: one engine
 * leg fed by the phone's RTP socket (its codec, its DTMF) that hears the room's mix minus itself, and
 * whose voice, re-encoded as Opus with audio levels, an in-process peer publishes into the room's
 * router as the member's microphone. Until the room admits it, the phone hears a prompt or waiting
 * tone and nobody hears it.
 */
final class PhoneMember implements PhoneLine {

    final AudioLeg leg;
    private final UUID user;
    private final RoomAudio audio;
    private final RtpRelay.Leg rtp;
    private final LocalPeer voice;
    private final java.util.function.Consumer<String> onDetach;
    private final AtomicBoolean detached = new AtomicBoolean();
    private volatile Receiver track;
    /** The codec the phone's audio is in now, and whether the phone holds the call; changed by re-INVITEs. */
    private String codec;
    private volatile boolean held;

    PhoneMember(RoomAudio audio, String callId, UUID user, PhoneSdp agreed, RtpRelay.Leg rtp, AudioLeg.DigitListener digits,
                java.util.function.Consumer<String> onDetach) {
        this.audio = audio;
        this.user = user;
        this.rtp = rtp;
        this.onDetach = onDetach;
        this.voice = new LocalPeer(RoomAudio.PEER_PREFIX + callId, null);
        this.leg = new AudioLeg(agreed.newCodec(), agreed.payloadType(), agreed.dtmfPayloadType(), rtp, digits);
        this.codec = agreed.codec();
        agree(agreed, false);
        leg.heard(false);
        leg.voice(new OpusCodec(OpusCodecs.BITRATE, OpusCodecs.COMPLEXITY), RoomAudio.OPUS_PT, RoomAudio.AUDIO_LEVEL_EXT,
                (packet, length) -> voice.publish(packet, 0, length));
        rtp.attach(leg);
        audio.add(this);
    }

    /**
     * The phone and Atrium agreed on {@code agreed} (the call's start or a re-INVITE): a new codec state
     * only when the codec changed, the payload types each way, and on hold ({@code held}) nothing is sent
     * to the phone and the room does not count its silence against it.
     */
    synchronized void agree(PhoneSdp agreed, boolean held) {
        boolean same = agreed.codec().equals(codec);
        codec = agreed.codec();
        leg.format(same ? leg.codec() : agreed.newCodec(), agreed.payloadType(), agreed.dtmfPayloadType(), agreed.sendPayloadType(),
                agreed.sendDtmfPayloadType());
        leg.held(held);
        this.held = held;
    }

    @Override
    public boolean sendDigits(String digits) {
        return leg.sendDigits(digits);
    }

    @Override
    public java.util.Optional<Reception> reception() {
        return leg.reports() == 0 ? java.util.Optional.empty() : java.util.Optional.of(new Reception(leg.loss(), leg.jitterMillis(), leg.rttMillis()));
    }

    @Override
    public boolean held() {
        return held;
    }

    @Override
    public UUID user() {
        return user;
    }

    @Override
    public void attach(Router router, Executor back, Consumer<Receiver> then) {
        TrackInfo info = new TrackInfo(voice.id() + "-audio", MediaKind.AUDIO, "0", "opus", 48_000, RoomAudio.OPUS_PT, -1,
                List.of(), List.of(leg.voiceSsrc() & 0xFFFFFFFFL), List.of(), 0, 0, 0, RoomAudio.AUDIO_LEVEL_EXT, 0);
        router.addLocalPublisher(voice, List.of(info), back, receivers -> {
            track = receivers.isEmpty() ? null : receivers.get(0);
            leg.tone(null);
            leg.heard(audible());
            then.accept(track);
        });
    }

    /** Whether the other phones hear this one: it is in the room and its track is not muted there. */
    boolean audible() {
        Receiver t = track;
        return t != null && !t.isPaused() && !detached.get();
    }

    @Override
    public void detach(String reason) {
        if (!detached.compareAndSet(false, true)) {
            return;
        }
        audio.shards.existing(audio.room).ifPresent(r -> r.removeLocal(voice));
        rtp.close();
        onDetach.accept(reason);
    }
}
