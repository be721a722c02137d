package io.atrium.server.sip;

import io.atrium.server.sfu.LocalPeer;
import io.atrium.server.sfu.MediaKind;
import io.atrium.server.sfu.Receiver;
import io.atrium.server.sfu.Router;
import io.atrium.server.sfu.Shards;
import io.atrium.server.sfu.Subscription;
import io.atrium.server.sip.audio.AudioEngine;
import io.atrium.server.sip.audio.AudioLeg;
import io.atrium.server.sip.audio.OpusCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The audio bridge of one room with phones in it. Every WebRTC audio track of the room is received
 * once by an in-process peer (the "tap": a normal SFU subscriber whose forwarded RTP stays in the
 * process) and decoded once by an engine leg that only speaks; every phone is an engine leg that hears
 * the sum minus itself and whose own voice is published into the room as an Opus track (see
 * {@link PhoneMember}). Phones hear each other inside the engine, so the tap skips their tracks.
 * {@link #refresh} (every {@value RoomBridge#REFRESH_MILLIS} ms) follows the room's tracks and mutes.
 */
final class RoomAudio {

    /** Peer ids of the bridge's in-process peers; tracks whose publisher id starts so are phones. */
    static final String PEER_PREFIX = "sip-";
    /** Payload type of Opus between the bridge and the SFU (the SFU rewrites it per subscriber). */
    static final int OPUS_PT = 111;
    /** Header extension id of the audio level in the phones' published packets. */
    static final int AUDIO_LEVEL_EXT = 1;

    private record Taps(int[] ssrcs, AudioLeg[] legs) {
    }

    final UUID room;
    final Shards shards;
    final AudioEngine engine = new AudioEngine();
    private final LocalPeer tap;
    private volatile Taps taps = new Taps(new int[0], new AudioLeg[0]);
    /** The room's WebRTC audio tracks now received, with the tap's SSRC and engine leg of each. Guarded by this. */
    private final Map<Receiver, Integer> ssrcs = new LinkedHashMap<>();
    private final Map<Receiver, AudioLeg> legs = new LinkedHashMap<>();
    private final Set<PhoneMember> phones = java.util.concurrent.ConcurrentHashMap.newKeySet();

    RoomAudio(UUID room, Shards shards) {
        this.room = room;
        this.shards = shards;
        this.tap = new LocalPeer(PEER_PREFIX + "tap-" + room, this::onRoomRtp);
        engine.start();
    }

    /** Forwarded RTP of a room track, on the media thread: into the jitter buffer of that track's leg. */
    private void onRoomRtp(byte[] buf, int off, int len) {
        if (len < 12) {
            return;
        }
        int ssrc = ((buf[off + 8] & 0xff) << 24) | ((buf[off + 9] & 0xff) << 16) | ((buf[off + 10] & 0xff) << 8) | (buf[off + 11] & 0xff);
        Taps t = taps;
        for (int i = 0; i < t.ssrcs.length; i++) {
            if (t.ssrcs[i] == ssrc) {
                t.legs[i].receiveRtp(buf, off, len);
                return;
            }
        }
    }

    void add(PhoneMember phone) {
        phones.add(phone);
        engine.add(phone.leg);
    }

    /** Takes a phone out; true when no phone is left (the caller then closes this room's audio). */
    boolean remove(PhoneMember phone) {
        phones.remove(phone);
        engine.remove(phone.leg);
        return phones.isEmpty();
    }

    /** Receives the room's WebRTC audio tracks (new ones get a leg, gone ones lose it) and applies phone mutes. */
    synchronized void refresh() {
        Router router = shards.existing(room).orElse(null);
        List<Receiver> now = router == null ? List.of() : router.tracks().stream()
                .filter(r -> r.info().kind() == MediaKind.AUDIO && r.info().codec().equalsIgnoreCase("opus")
                        && !r.publisherId().startsWith(PEER_PREFIX))
                .toList();
        for (PhoneMember p : phones) {
            p.leg.heard(p.audible());
        }
        if (now.equals(List.copyOf(legs.keySet()))) {
            return;
        }
        for (Receiver gone : List.copyOf(legs.keySet())) {
            if (!now.contains(gone)) {
                engine.remove(legs.remove(gone));
                ssrcs.remove(gone);
            }
        }
        for (Receiver r : now) {
            if (!legs.containsKey(r)) {
                AudioLeg leg = new AudioLeg(new OpusCodec(OpusCodecs.BITRATE, OpusCodecs.COMPLEXITY), OPUS_PT, -1, null, null);
                legs.put(r, leg);
                ssrcs.put(r, ThreadLocalRandom.current().nextInt());
                engine.add(leg);
            }
        }
        List<Subscription> subs = new ArrayList<>();
        int[] s = new int[now.size()];
        AudioLeg[] l = new AudioLeg[now.size()];
        for (int i = 0; i < now.size(); i++) {
            Receiver r = now.get(i);
            s[i] = ssrcs.get(r);
            l[i] = legs.get(r);
            subs.add(new Subscription(r, s[i], OPUS_PT, 0, -1, "atrium-sip", 0, 0, 0));
        }
        taps = new Taps(s, l);
        shards.join(room).subscribeLocal(tap, subs);
    }

    /** No phone left: stop receiving and mixing. */
    void close() {
        shards.existing(room).ifPresent(r -> r.removeLocal(tap));
        engine.close();
    }
}
