package io.atrium.server.room;

import io.atrium.server.auth.Grants;
import io.atrium.server.sfu.MediaKind;
import io.atrium.server.sfu.MediaLimitException;
import io.atrium.server.sfu.Negotiator;
import io.atrium.server.sfu.Negotiator.Negotiated;
import io.atrium.server.sfu.Receiver;
import io.atrium.server.sfu.Router;
import io.atrium.server.sfu.Shards;
import io.atrium.server.sfu.Subscription;
import io.atrium.server.sfu.TrackInfo;
import io.atrium.server.transport.MediaPeer;
import io.atrium.server.transport.PeerOwner;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The one door into media, for every way in ({@code join_room}/{@code subscribe_room}, WHIP, WHEP; next SIP
 * legs and recorders): <b>reserve</b> the room's router → <b>negotiate</b> the offer → <b>authorise</b> each
 * published track by the one track→grant rule ({@link #sources}) → <b>attach</b> to the router, or
 * <b>release</b>: whatever is refused on the way gives the reservation back and closes a peer made for it
 * at once (a renegotiated peer that already carries media stays as it was). Attaching hands the peer to
 * the media thread; nothing here waits for it.
 */
public final class MediaDoor {

    private final Shards shards;

    public MediaDoor(Shards shards) {
        this.shards = shards;
    }

    /** The room's router if it has one (for the room's observers); never makes one. */
    public Optional<Router> router(UUID room) {
        return shards.existing(room);
    }

    /** A track the token may not publish: {@code 403}, the source named. */
    public static final class NotAllowed extends RuntimeException {
        private final Grants.Source source;

        NotAllowed(Grants.Source source) {
            super("not allowed to publish " + source.name().toLowerCase(Locale.ROOT));
            this.source = source;
        }

        public Grants.Source source() {
            return source;
        }
    }

    /**
     * The one track→grant rule: in offer order, an audio track is the microphone, the first video track
     * the camera, any further video track the screen.
     */
    public static List<Grants.Source> sources(List<TrackInfo> tracks) {
        List<Grants.Source> out = new ArrayList<>(tracks.size());
        int video = 0;
        for (TrackInfo t : tracks) {
            out.add(t.kind() == MediaKind.AUDIO ? Grants.Source.MICROPHONE : video++ == 0 ? Grants.Source.CAMERA : Grants.Source.SCREEN);
        }
        return out;
    }

    /**
     * A publisher for {@code room}: reserve, negotiate ({@code current} is reused for an offer from the same
     * peer connection), authorise every track against {@code grants}. Throws what the offer is refused for
     * ({@link io.atrium.webrtc.sdp.SdpException}, {@link io.atrium.server.sfu.MediaLimitException},
     * {@link NotAllowed}) with nothing left behind.
     */
    public Entry<TrackInfo> publish(UUID room, String offer, MediaPeer current, PeerOwner owner, Grants grants) {
        Entry<TrackInfo> entry = enter(room, current, (n, r) -> n.publish(offer, current, owner));
        for (Grants.Source source : sources(entry.items())) {
            if (!grants.mayPublish(source)) {
                throw entry.refuse(new NotAllowed(source));
            }
        }
        return entry;
    }

    /**
     * A phone's voice into {@code room} ({@link PhoneLine}): reserve, authorise it as the microphone, then
     * the line publishes by itself and hands its track to {@code then} on {@code back}. Throws
     * {@link NotAllowed}, or while the server stops a {@code 503} {@link MediaLimitException}, with nothing left behind.
     */
    public void line(UUID room, PhoneLine line, Grants grants, Executor back, Consumer<Receiver> then) {
        if (!grants.mayPublish(Grants.Source.MICROPHONE)) {
            throw new NotAllowed(Grants.Source.MICROPHONE);
        }
        line.attach(shards.join(room), back, then);
    }

    /** A subscriber for {@code room}: reserve, then {@code negotiate} with the router (its tracks) at hand. */
    public Entry<Subscription> subscribe(UUID room, MediaPeer current,
                                         BiFunction<Negotiator, Router, Negotiated<Subscription>> negotiate) {
        return enter(room, current, negotiate);
    }

    /**
     * Attaches a publisher; its receivers are handed to {@code then} on {@code back}, never waited for. While the
     * server stops, a {@code 503} {@link MediaLimitException} with nothing left behind (the
     * router gave its reservation back; a peer made for this offer is closed), as for every attach below.
     */
    public void attachPublisher(Entry<TrackInfo> entry, Executor back, Consumer<List<Receiver>> then) {
        attach(entry, () -> entry.router.addPublisher(entry.peer(), entry.items(), back, then));
    }

    public void attachPublisher(Entry<TrackInfo> entry) {
        attach(entry, () -> entry.router.addPublisher(entry.peer(), entry.items()));
    }

    public void attachSubscriber(Entry<Subscription> entry) {
        attach(entry, () -> entry.router.addSubscriber(entry.peer(), entry.items()));
    }

    private static void attach(Entry<?> entry, Runnable attach) {
        try {
            attach.run();
        } catch (MediaLimitException stopping) { // the router has given the reservation back
            throw entry.closed(stopping);
        }
        entry.replaced();
    }

    private <T> Entry<T> enter(UUID room, MediaPeer current, BiFunction<Negotiator, Router, Negotiated<T>> negotiate) {
        Router router = shards.join(room); // places the room on a shard if it has no router yet
        try {
            // the room's shard negotiates: its answer's candidates carry that shard's port
            return new Entry<>(router, negotiate.apply(router.shard().negotiator(), router), current);
        } catch (RuntimeException e) {
            router.release(); // the negotiator closed a peer it made for this offer
            throw e;
        }
    }

    /** A negotiated peer holding its room's router: attach it ({@link #attachPublisher}, {@link #attachSubscriber}), or refuse it. */
    public static final class Entry<T> {
        private final Router router;
        private final Negotiated<T> negotiated;
        private final MediaPeer previous;

        Entry(Router router, Negotiated<T> negotiated, MediaPeer previous) {
            this.router = router;
            this.negotiated = negotiated;
            this.previous = previous;
        }

        public MediaPeer peer() {
            return negotiated.peer();
        }

        public String answer() {
            return negotiated.answer();
        }

        public List<T> items() {
            return negotiated.items();
        }

        /** Gives the router back and closes the peer if it was made for this offer; returns {@code why} to throw. */
        public <E extends RuntimeException> E refuse(E why) {
            router.release();
            return closed(why);
        }

        /** Closes the peer if it was made for this offer; returns {@code why} to throw. */
        private <E extends RuntimeException> E closed(E why) {
            if (peer() != previous) {
                peer().close(why.getMessage());
            }
            return why;
        }

        /** The peer before an ICE restart (a new connection for the same member) ends. */
        private void replaced() {
            if (previous != null && previous != peer()) {
                previous.close("replaced by ICE restart");
            }
        }
    }
}
