package io.atrium.server.sfu;

import io.atrium.server.transport.MediaPeer;
import io.atrium.server.transport.MediaSink;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The media of one room: its publishers (and their receivers) and subscribers (and their
 * forwarders). All state is owned by the media thread; the control methods may be called from any
 * thread and hop onto it. {@link #tracks()} is an immutable snapshot readable anywhere.
 */
public final class Router {

    private final UUID room;
    private final Sfu sfu;
    private final SecureRandom random = new SecureRandom();
    private final Map<MediaSink, Publisher> publishers = new IdentityHashMap<>();
    private final Map<MediaSink, Subscriber> subscribers = new IdentityHashMap<>();
    private volatile List<Receiver> tracks = List.of();
    private final java.util.concurrent.atomic.AtomicInteger reserved = new java.util.concurrent.atomic.AtomicInteger();

    Router(UUID room, Sfu sfu) {
        this.room = room;
        this.sfu = sfu;
    }

    public UUID room() {
        return room;
    }

    /** The shard this room was placed on ({@link Shards}); its thread runs everything of this router. */
    public Sfu shard() {
        return sfu;
    }

    /** The published tracks of the room, newest publisher last. Any thread. */
    public List<Receiver> tracks() {
        return tracks;
    }

    /** Makes {@code peer} a publisher of {@code tracks}, or updates its tracks after a renegotiation. Any thread. */
    public void addPublisher(MediaPeer peer, List<TrackInfo> infos) {
        addPublisher(peer, infos, null, null);
    }

    /**
     * As {@link #addPublisher(MediaPeer, List)}, then hands the peer's receivers (offer order; empty if
     * it could not be made a publisher) to {@code then}, run on {@code back} (a room's executor): the
     * caller never waits on the media thread. Any thread.
     */
    public void addPublisher(MediaPeer peer, List<TrackInfo> infos, Executor back, Consumer<List<Receiver>> then) {
        attach(peer::execute, () -> {
            try {
                Publisher existing = publishers.get(peer);
                if (existing != null) {
                    existing.update(infos);
                } else {
                    Publisher publisher = new Publisher(peer, infos, random.nextInt(), sfu.maxPublishBitrate);
                    publisher.counters = sfu.counters;
                    publisher.dynacastPauseMillis = sfu.dynacastPauseMillis;
                    publishers.put(peer, publisher);
                    peer.listener(new MediaPeer.Listener() {
                        @Override
                        public void onRtp(MediaPeer p, byte[] buf, int off, int len) {
                            publisher.onRtp(buf, off, len, System.currentTimeMillis());
                        }

                        @Override
                        public void onRtcp(MediaPeer p, byte[] buf, int off, int len) {
                            publisher.onRtcp(buf, off, len, System.currentTimeMillis());
                        }

                        @Override
                        public void onClosed(MediaPeer p, String reason) {
                            removePeer(p);
                        }
                    });
                }
                refreshTracks();
            } finally {
                attached(peer, peer.isClosed());
                if (then != null) {
                    Publisher added = publishers.get(peer);
                    List<Receiver> receivers = added == null ? List.of() : List.copyOf(added.receivers());
                    back.execute(() -> then.accept(receivers));
                }
            }
        });
    }

    /**
     * Makes {@code peer} a subscriber of {@code subscriptions}, or replaces its subscriptions after a
     * renegotiation (forwarders of unchanged streams stay). Forwarders start when the peer connects,
     * each with a keyframe request. Any thread.
     */
    public void addSubscriber(MediaPeer peer, List<Subscription> subscriptions) {
        attach(peer::execute, () -> {
            try {
                Subscriber subscriber = subscribers.get(peer);
                if (subscriber == null) {
                    Subscriber created = new Subscriber(peer, sfu.bwe);
                    created.counters = sfu.counters;
                    subscriber = created;
                    subscribers.put(peer, created);
                    peer.listener(new MediaPeer.Listener() {
                        @Override
                        public void onConnected(MediaPeer p) {
                            created.apply(System.currentTimeMillis());
                        }

                        @Override
                        public void onRtp(MediaPeer p, byte[] buf, int off, int len) {
                            // a receive-only peer sends no media; anything else is ignored
                        }

                        @Override
                        public void onRtcp(MediaPeer p, byte[] buf, int off, int len) {
                            created.onRtcp(buf, off, len, System.currentTimeMillis());
                        }

                        @Override
                        public void onClosed(MediaPeer p, String reason) {
                            removePeer(p);
                        }
                    });
                }
                subscriber.want(subscriptions);
                if (peer.isConnected()) {
                    subscriber.apply(System.currentTimeMillis());
                }
            } finally {
                attached(peer, peer.isClosed());
            }
        });
    }

    /**
     * Makes the in-process {@code peer} a publisher of {@code infos} (RTP it {@link LocalPeer#publish}es
     * feeds the receivers), then hands its receivers to {@code then} on {@code back}. Any thread; needs a
     * reservation from {@link Sfu#join} like {@link #addPublisher}.
     */
    public void addLocalPublisher(LocalPeer peer, List<TrackInfo> infos, Executor back, Consumer<List<Receiver>> then) {
        attach(peer.media(this), () -> {
            List<Receiver> receivers = List.of();
            try {
                if (peer.isConnected()) {
                    Publisher publisher = publishers.get(peer);
                    if (publisher == null) {
                        publisher = new Publisher(peer, infos, random.nextInt(), sfu.maxPublishBitrate);
                        publisher.counters = sfu.counters;
                        publisher.dynacastPauseMillis = sfu.dynacastPauseMillis;
                        publishers.put(peer, publisher);
                        peer.publisher = publisher;
                    } else {
                        publisher.update(infos);
                    }
                    refreshTracks();
                    receivers = List.copyOf(publisher.receivers());
                }
            } finally {
                attached(peer, !peer.isConnected());
            }
            List<Receiver> out = receivers;
            back.execute(() -> then.accept(out));
        });
    }

    /**
     * Makes the in-process {@code peer} receive exactly {@code subscriptions} (forwarders of unchanged
     * ones stay); their RTP goes to its listener. Any thread; needs a reservation from {@link Sfu#join}.
     */
    public void subscribeLocal(LocalPeer peer, List<Subscription> subscriptions) {
        attach(peer.media(this), () -> {
            try {
                if (!peer.isConnected()) {
                    return;
                }
                Subscriber subscriber = subscribers.computeIfAbsent(peer, p -> {
                    Subscriber created = new Subscriber(p, sfu.bwe);
                    created.counters = sfu.counters;
                    return created;
                });
                subscriber.want(subscriptions);
                subscriber.apply(System.currentTimeMillis());
            } finally {
                attached(peer, !peer.isConnected());
            }
        });
    }

    /**
     * Hands an attach task ({@link #addPublisher}, {@link #addSubscriber}, {@link #addLocalPublisher},
     * {@link #subscribeLocal}) to the media thread; while the server stops it is refused ({@link Sfu#stopping()})
     * with this call's reservation given back ({@link #release}).
     */
    private void attach(Executor media, Runnable task) {
        try {
            Sfu.onMediaThread(media, task);
        } catch (MediaLimitException stopping) {
            release();
            throw stopping;
        }
    }

    /**
     * The end of an attach task, media thread: a peer that closed before it ran is forgotten (its close told the
     * listener it had then, so no {@link #removePeer} is coming), and the reservation goes back through
     * {@link #release}, which drops the router if that left it empty.
     */
    private void attached(MediaSink peer, boolean closed) {
        if (closed) {
            forget(peer);
        }
        release();
    }

    /** Closes an in-process peer and forgets its publications and subscriptions. Any thread; a clean-up. */
    public void removeLocal(LocalPeer peer) {
        peer.close();
        sfu.transport().socket().cleanUp(() -> forget(peer));
    }

    /**
     * One video stream of a subscriber: whose track, which layer, at what rate and size, its highest temporal layer
     * forwarded of how many the layer has (VP8, VP9; 0 of 1 without temporal layers), of a VP9 SVC stream its highest
     * spatial layer forwarded of how many it has (0 of 1 otherwise; width and height are then that spatial layer's);
     * {@code paused} when the allocation gives it nothing because no layer fits the subscriber's estimate (a screen share:
     * its receive cap) (rid null, rate 0).
     */
    public record Allocation(String publisherId, String trackId, long ssrc, String rid, long rate, int width, int height,
                             int temporal, int temporalLayers, int spatial, int spatialLayers, boolean paused) {
    }

    /**
     * What the media thread measured for one member: worst fraction lost (0-255) over its published
     * tracks and its subscriber peer's receiver reports, RTT from those reports (-1 unknown), worst
     * jitter of its published tracks, the video streams forwarded to its subscriber peer now, and the
     * downlink rate available to that peer: the bandwidth estimate, or the sum of the allocated layers
     * while there is none (no transport-cc feedback nor REMB yet); -1 without a subscriber peer.
     */
    public record MediaReport(int fractionLost, int rttMillis, double jitterMillis, List<Allocation> allocations,
                              long availableRate) {
    }

    /**
     * Collects a {@link MediaReport} on the media thread for {@code published} (tracks of one member)
     * and {@code subscriber} (its receiving peer, or null), then hands it to {@code then}, run on
     * {@code back} (the room's executor). The caller never waits; nothing owned by the media thread is
     * read elsewhere. Any thread; while the server stops nothing is collected and {@code then} never runs.
     */
    public void report(List<Receiver> published, MediaPeer subscriber, Executor back, Consumer<MediaReport> then) {
        sfu.transport().socket().offer(() -> {
            int loss = 0;
            double jitter = 0;
            for (Receiver r : published) {
                loss = Math.max(loss, r.fractionLost());
                jitter = Math.max(jitter, r.jitterMillis());
            }
            Subscriber s = subscriber == null ? null : subscribers.get(subscriber);
            List<Allocation> out = new ArrayList<>();
            int rtt = -1;
            long available = -1;
            if (s != null) {
                loss = Math.max(loss, s.fractionLost);
                rtt = s.rttMillis;
                long sum = 0;
                for (Forwarder f : s.forwarders()) {
                    if (f.receiver.info.kind() != MediaKind.VIDEO) {
                        continue;
                    }
                    if (f.suspended()) {
                        out.add(new Allocation(f.receiver.publisherId(), f.receiver.info.id(), f.ssrc & 0xFFFFFFFFL, null, 0, 0, 0,
                                0, 0, 0, 0, true));
                        continue;
                    }
                    if (f.current < 0) {
                        continue;
                    }
                    Layer l = f.receiver.layers[f.current];
                    int temporal = f.temporalLayer();
                    int spatial = f.spatialLayer();
                    boolean svc = f.svc();
                    long rate = svc ? l.spatialBitrate[spatial][temporal] : l.temporalBitrate[temporal];
                    sum += rate;
                    out.add(new Allocation(f.receiver.publisherId(), f.receiver.info.id(), f.ssrc & 0xFFFFFFFFL, l.rid,
                            rate, svc ? l.keyframes.spatialWidth(spatial) : l.keyframes.width(),
                            svc ? l.keyframes.spatialHeight(spatial) : l.keyframes.height(), temporal, l.temporalLayers,
                            spatial, l.keyframes.spatialLayers(), false));
                }
                available = s.bwe.hasEstimate() ? s.bwe.estimate() : sum;
            }
            MediaReport report = new MediaReport(loss, rtt, jitter, List.copyOf(out), available);
            back.execute(() -> then.accept(report));
        });
    }

    /** Forgets a peer's publications and subscriptions. Any thread; a clean-up, never refused. */
    public void removePeer(MediaPeer peer) {
        peer.cleanUp(() -> forget(peer));
    }

    private void forget(MediaSink peer) {
        Publisher p = publishers.remove(peer);
        if (p != null) {
            p.close();
            refreshTracks();
        }
        Subscriber s = subscribers.remove(peer);
        if (s != null) {
            s.close();
        }
        sfu.removeIfEmpty(this);
    }

    void reserve() {
        reserved.incrementAndGet();
    }

    /**
     * Gives back a reservation from {@link Sfu#join}, used (at the end of an attach task) or not (a refused offer): a
     * router left empty by it is dropped, as when its last peer leaves. Any thread; a clean-up, never refused.
     */
    public void release() {
        reserved.decrementAndGet();
        sfu.released(this);
    }

    boolean isEmpty() {
        return publishers.isEmpty() && subscribers.isEmpty() && reserved.get() == 0;
    }

    /** The forwarders of a subscriber peer, for layer targets and pausing. Media thread. */
    List<Forwarder> forwardersOf(MediaPeer peer) {
        Subscriber s = subscribers.get(peer);
        return s == null ? List.of() : s.forwarders();
    }

    /** Collects the room's counters on the media thread; {@link Sfu#stopping()} while the server stops. */
    public java.util.concurrent.CompletableFuture<MediaStats> stats() {
        var result = new java.util.concurrent.CompletableFuture<MediaStats>();
        sfu.onMediaThread(() -> {
            List<MediaStats.Peer> pubs = publishers.values().stream().map(p -> MediaStats.Peer.of(p.peer(), p.unroutable,
                    p.receivers().stream().map(r -> new MediaStats.Track(r.info.id(), r.info.kind().name().toLowerCase(),
                            r.info.mid(), r.info.codec(), java.util.Arrays.stream(r.layers).map(l -> new MediaStats.LayerStats(
                                    l.rid, l.ssrc & 0xFFFFFFFFL, l.packets, l.bytes, l.bitrate, l.keyframes.width(),
                                    l.keyframes.height(), l.nacks.nacked(), l.nacks.missing(), l.retransmissionsReceived, l.pausedUpstream,
                                    java.util.Arrays.stream(l.temporalBitrate, 0, l.temporalLayers).boxed().toList(),
                                    java.util.stream.IntStream.range(0, l.keyframes.spatialLayers() > 1 ? l.keyframes.spatialLayers() : 0)
                                            .mapToObj(sl -> new MediaStats.SpatialLayer(l.keyframes.spatialWidth(sl),
                                                    l.keyframes.spatialHeight(sl), l.spatialBitrate[sl][Layer.MAX_TEMPORAL - 1],
                                                    sl >= l.keyframes.heldFrom()))
                                            .toList())).toList()))
                            .toList(), List.of())).toList();
            List<MediaStats.Peer> subs = subscribers.values().stream().map(s -> MediaStats.Peer.of(s.peer(), 0, List.of(),
                    s.forwarders().stream().map(f -> new MediaStats.Stream(f.receiver.info.id(), f.ssrc & 0xFFFFFFFFL,
                            f.current, f.temporalLayer(), f.spatialLayer(), f.packetsSent, f.octetsSent, f.retransmitted,
                            f.temporalDropped, f.spatialDropped, f.suspended())).toList())
                    .withEstimate(s.estimate())).toList();
            result.complete(new MediaStats(pubs, subs));
        });
        return result;
    }

    /** Adds this room's tracks and quality to {@code b}. Media thread. */
    void sample(MediaQuality.Builder b) {
        for (Publisher p : publishers.values()) {
            for (Receiver r : p.receivers()) {
                b.published++;
                for (Layer l : r.layers) {
                    b.layer(l, r.info.clockRate());
                }
            }
        }
        subscribers.values().forEach(b::subscriber);
    }

    void tickNacks(long nowMillis) {
        for (Publisher p : publishers.values()) {
            if (p.peer().isConnected()) {
                p.tickNacks(nowMillis);
            }
        }
        for (Subscriber s : subscribers.values()) {
            if (s.peer().isConnected()) {
                s.checkSilence(nowMillis);
                s.pad(nowMillis);
            }
        }
    }

    void tickReports(long nowMillis) {
        for (Publisher p : publishers.values()) {
            if (p.peer().isConnected()) {
                p.tickReports(nowMillis);
            }
        }
        for (Subscriber s : subscribers.values()) {
            if (s.peer().isConnected()) {
                s.tick(nowMillis);
            }
        }
        for (Publisher p : publishers.values()) { // after the allocations: dynacast reads them
            for (Receiver r : p.receivers()) {
                r.updateUpstream(nowMillis);
            }
        }
    }

    private void refreshTracks() {
        List<Receiver> all = new ArrayList<>();
        publishers.values().forEach(p -> all.addAll(p.receivers()));
        tracks = List.copyOf(all);
        refreshTaps();
    }

    /**
     * Gives every track a tap of the room's recording (a track that has one from the current factory keeps
     * it), or closes the taps when the room is not recorded. Media thread.
     */
    void refreshTaps() {
        PacketTap.Factory factory = sfu.taps(room);
        for (Receiver r : tracks) {
            if (r.tapSource() != factory) {
                r.tap(factory == null ? null : factory.open(r), factory);
            }
        }
    }
}
