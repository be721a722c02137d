package io.atrium.server.sip;

import io.atrium.server.sfu.Shards;
import io.atrium.server.sip.audio.AudioLeg;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP↔room audio bridge: one {@link RoomAudio} per room with phones in it, made for the first phone
 * and closed after the last; {@link RoomAudio#refresh} of each every {@value #REFRESH_MILLIS} ms.
 */
final class RoomBridge {

    static final long REFRESH_MILLIS = 250;
    private static final Logger log = LoggerFactory.getLogger("atrium.sip.bridge");

    private final Shards shards;
    private final Map<UUID, RoomAudio> rooms = new HashMap<>();

    RoomBridge(Shards shards, ScheduledExecutorService timer) {
        this.shards = shards;
        timer.scheduleAtFixedRate(this::refresh, REFRESH_MILLIS, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * A phone for {@code room} whose media is {@code rtp}: it hears tones until it joins; {@code ended}
     * runs once, with the reason, when its seat ends (see {@link PhoneMember#detach}).
     */
    synchronized PhoneMember phone(UUID room, String callId, UUID user, PhoneSdp agreed, RtpRelay.Leg rtp,
                                   AudioLeg.DigitListener digits, java.util.function.Consumer<String> ended) {
        RoomAudio audio = rooms.computeIfAbsent(room, r -> new RoomAudio(r, shards));
        PhoneMember[] self = new PhoneMember[1];
        self[0] = new PhoneMember(audio, callId, user, agreed, rtp, digits, reason -> {
            leave(audio, self[0]);
            ended.accept(reason);
        });
        return self[0];
    }

    private synchronized void leave(RoomAudio audio, PhoneMember phone) {
        if (audio.remove(phone) && rooms.get(audio.room) == audio) {
            rooms.remove(audio.room);
            audio.close();
        }
    }

    private void refresh() {
        List<RoomAudio> now;
        synchronized (this) {
            now = List.copyOf(rooms.values());
        }
        for (RoomAudio a : now) {
            try {
                a.refresh();
            } catch (RuntimeException e) {
                log.warn("room {}: audio bridge refresh failed: {}", a.room, e.toString());
            }
        }
    }
}
