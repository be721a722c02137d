package io.atrium.server.sfu;

import io.atrium.server.sfu.bwe.BandwidthEstimator;
import io.atrium.server.transport.MediaSocket;
import io.atrium.server.transport.MediaTransport;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The selective forwarding unit of one media shard ({@link Shards}): one {@link Router} per room placed on
 * this shard's {@link MediaTransport}, and the shard thread's timers that drive NACKs (every 20 ms, while the
 * shard has rooms) and RTCP reports and layer choices (every second).
 * <p>
 * While the server stops, a shard's thread takes no more tasks, and a task handed to it from outside follows one
 * rule, decided by what its caller needs (docs/MEDIA.md, "While the server stops"): a call that needs its answer
 * ({@link #join}, attaching a peer, {@link #tap}, {@link Router#stats}, {@link Shards#quality}) is refused with
 * {@link #stopping()} ({@link #onMediaThread}), having given back what it held; a clean-up ({@link Router#release},
 * {@link Router#removePeer}, {@link Router#removeLocal}, {@link #untap}) never fails: it runs once the thread has
 * ended ({@link MediaSocket#cleanUp}); and what nobody waits for (a local peer's RTP, {@link Router#report}, a
 * datagram sent from another thread) is dropped ({@link MediaSocket#offer}).
 */
public final class Sfu {

    static final long NACK_TICK_MILLIS = 20;
    static final long REPORT_TICK_MILLIS = 1000;

    private final MediaTransport transport;
    private final Map<UUID, Router> routers = new ConcurrentHashMap<>();
    final SfuCounters counters = new SfuCounters();
    /** Bounds of each subscriber's downlink estimate. */
    final BandwidthEstimator.Limits bwe;
    /** Dynacast: how long a layer nobody needs is encoded before its publisher is told to pause it; 0 never. */
    final long dynacastPauseMillis;
    /** What each publisher is told it may send (REMB), bits per second. */
    final long maxPublishBitrate;
    private final Negotiator negotiator;
    /** Rooms being recorded: the factory of each track's {@link PacketTap}, read by the room's router. */
    private final Map<UUID, PacketTap.Factory> taps = new ConcurrentHashMap<>();
    /** SRTP datagrams this shard handled in the last report tick (about a second): its load for placement. */
    private volatile long packetsPerSecond;
    private long forwardedBefore;
    private long reportedMillis;
    /**
     * The NACK tick, running only while this shard has rooms (an idle shard is not woken 50 times a second). Set on
     * the media thread; volatile for {@link #nackTicking}.
     */
    private volatile io.atrium.server.transport.Ticks.Tick nackTick;

    public Sfu(MediaTransport transport) {
        this(transport, MediaLimits.defaults());
    }

    public Sfu(MediaTransport transport, MediaLimits limits) {
        this(transport, limits, BandwidthEstimator.Limits.DEFAULT);
    }

    /** With the bounds of each subscriber's downlink estimate ({@code rtc.bwe}); dynacast at its defaults. */
    public Sfu(MediaTransport transport, MediaLimits limits, BandwidthEstimator.Limits bwe) {
        this(transport, limits, bwe, new io.atrium.server.config.AtriumConfig.Dynacast(null, null));
    }

    /** With the downlink estimate's bounds ({@code rtc.bwe}) and dynacast's setting ({@code rtc.dynacast}). */
    public Sfu(MediaTransport transport, MediaLimits limits, BandwidthEstimator.Limits bwe,
               io.atrium.server.config.AtriumConfig.Dynacast dynacast) {
        this(transport, limits, bwe, dynacast, java.util.List.of(transport));
    }

    /**
     * One shard of several: {@code all} are every shard's transports (this one's included), over which the
     * negotiator counts the peers still connecting per identity and address ({@link MediaLimits}).
     */
    Sfu(MediaTransport transport, MediaLimits limits, BandwidthEstimator.Limits bwe,
        io.atrium.server.config.AtriumConfig.Dynacast dynacast, java.util.List<MediaTransport> all) {
        this.bwe = bwe;
        this.dynacastPauseMillis = dynacast.enabled() ? dynacast.pauseAfterSeconds() * 1000L : 0;
        this.transport = transport;
        this.negotiator = new Negotiator(transport, limits, all);
        this.maxPublishBitrate = limits.maxPublishBitrate();
        transport.socket().every(REPORT_TICK_MILLIS, () -> {
            long now = System.currentTimeMillis();
            routers.values().forEach(r -> r.tickReports(now));
            long forwarded = transport.counters().forwardCount();
            if (reportedMillis > 0) { // a tick may come a little late (MediaSocket.every): per second of the time that passed
                packetsPerSecond = (forwarded - forwardedBefore) * 1000 / Math.max(1, now - reportedMillis);
            }
            forwardedBefore = forwarded;
            reportedMillis = now;
        });
    }

    public MediaTransport transport() {
        return transport;
    }

    /** This shard's media port (UDP, and TCP for ICE-TCP). */
    public int port() {
        return transport.socket().localAddress().getPort();
    }

    /** Process-wide RTCP feedback and RTX counters. */
    public SfuCounters counters() {
        return counters;
    }

    /** The number of rooms with media. */
    public int roomCount() {
        return routers.size();
    }

    /** Adds every room of this shard to {@code b}. This shard's thread. */
    void sample(MediaQuality.Builder b) {
        routers.values().forEach(r -> r.sample(b));
    }

    /** SRTP datagrams this shard forwarded over the last second (its report tick). */
    public long packetsPerSecond() {
        return packetsPerSecond;
    }

    /** The one negotiator of this shard: it writes answers whose candidates carry this shard's port (it applies {@link MediaLimits}). */
    public Negotiator negotiator() {
        return negotiator;
    }

    /**
     * The room's router, created on first use, reserved for one {@link Router#addPublisher} or
     * {@link Router#addSubscriber} call (or {@link Router#release}) so it cannot be dropped as empty
     * in between. While the server stops (the media thread takes no more tasks) it is a {@code 503}
     * {@link MediaLimitException} ({@code unavailable}) and nothing is left: no router, no reservation.
     */
    Router join(UUID room) {
        Router joined = routers.compute(room, (k, r) -> {
            Router router = r != null ? r : new Router(k, this);
            router.reserve();
            return router;
        });
        try {
            onMediaThread(this::nackTickWhileRooms);
        } catch (MediaLimitException stopping) {
            joined.release();
            throw stopping;
        }
        return joined;
    }

    /** The refusal of a call that needs the media thread while the server stops: {@code 503 unavailable}. */
    static MediaLimitException stopping() {
        return new MediaLimitException(503, "unavailable", "the server is stopping");
    }

    /** Runs {@code task} on {@code media} (a media thread) for a caller that needs its answer: {@link #stopping()} if refused. */
    static void onMediaThread(Executor media, Runnable task) {
        try {
            media.execute(task);
        } catch (RejectedExecutionException e) {
            throw stopping();
        }
    }

    /** {@link #onMediaThread(Executor, Runnable)} on this shard's thread. */
    void onMediaThread(Runnable task) {
        onMediaThread(transport.socket()::execute, task);
    }

    /**
     * A reservation of {@code router} was given back ({@link Router#release}): the router goes if that left it
     * empty, and the NACK tick with the shard's last room. Any thread; a clean-up ({@link MediaSocket#cleanUp}).
     */
    void released(Router router) {
        transport.socket().cleanUp(() -> removeIfEmpty(router));
    }

    /**
     * Starts the NACK tick when this shard has a room, stops it when it has none. Media thread (or once it has
     * ended, when no tick starts).
     */
    private void nackTickWhileRooms() {
        if (routers.isEmpty() && nackTick != null) {
            nackTick.cancel();
            nackTick = null;
        } else if (!routers.isEmpty() && nackTick == null && !transport.socket().stopping()) {
            nackTick = transport.socket().every(NACK_TICK_MILLIS, () -> {
                long now = System.currentTimeMillis();
                routers.values().forEach(r -> r.tickNacks(now));
            });
        }
    }

    /** The rooms with media on this node. */
    public java.util.Set<UUID> rooms() {
        return java.util.Set.copyOf(routers.keySet());
    }

    /** The room's router if it has any peers. */
    public java.util.Optional<Router> existing(UUID room) {
        return java.util.Optional.ofNullable(routers.get(room));
    }

    /**
     * Copies every track of {@code room}, present and future, to a tap from {@code factory} (replacing a
     * previous factory's taps) until {@link #untap}. Any thread; the taps open on the media thread. While the
     * server stops, {@link #stopping()} and nothing is set.
     */
    public void tap(UUID room, PacketTap.Factory factory) {
        taps.put(room, factory);
        try {
            onMediaThread(() -> existing(room).ifPresent(Router::refreshTaps));
        } catch (MediaLimitException stopping) {
            taps.remove(room, factory);
            throw stopping;
        }
    }

    /**
     * Stops {@code factory}'s taps of {@code room} (each is closed), then runs {@code then} on the media thread
     * (while the server stops, once that thread has ended): after it no tap of that factory gets another packet.
     * Any thread; a clean-up, never refused.
     */
    public void untap(UUID room, PacketTap.Factory factory, Runnable then) {
        taps.remove(room, factory);
        transport.socket().cleanUp(() -> {
            existing(room).ifPresent(Router::refreshTaps);
            then.run();
        });
    }

    PacketTap.Factory taps(UUID room) {
        return taps.get(room);
    }

    /** True while the NACK tick runs (this shard has rooms). */
    boolean nackTicking() {
        return nackTick != null;
    }

    void removeIfEmpty(Router router) {
        // runs on the media thread (or once it has stopped); a reserved router is never empty
        routers.computeIfPresent(router.room(), (k, r) -> r.isEmpty() ? null : r);
        nackTickWhileRooms();
    }
}
