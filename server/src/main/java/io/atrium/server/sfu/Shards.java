package io.atrium.server.sfu;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.sfu.bwe.BandwidthEstimator;
import io.atrium.server.transport.MediaPeer;
import io.atrium.server.transport.MediaTransport;
import io.atrium.server.transport.PeerStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * The media plane over {@code rtc.media_threads} shards (docs/PERFORMANCE.md, "Multi-core media"). Shard
 * <i>i</i> is one {@link MediaTransport} (its own socket, event-loop thread and port {@code rtc.port + i},
 * UDP and ICE-TCP) with its own {@link Sfu}: routers, timers, counters. Nothing mutable is shared between
 * shards, so each keeps today's lock-free single-threaded hot path.
 * <p>
 * {@link #join} is the one place a room is placed: when its router is created, on the least loaded shard
 * (fewest SRTP datagrams forwarded over the last second, ties by fewest peers, then fewest rooms, then
 * the lowest index); it stays there until its router empties. The shard's negotiator writes the answer, so
 * the ICE candidates carry the shard's port and the room's datagrams arrive on the thread that owns it.
 */
public final class Shards implements AutoCloseable {

    /** Most shards {@code rtc.media_threads} may ask for. */
    public static final int MAX = 64;

    private final List<Sfu> shards;

    private Shards(List<Sfu> shards) {
        this.shards = List.copyOf(shards);
    }

    /** Binds {@code rtc.media_threads} transports on {@code host} (ports {@code rtc.port + i}, or free ones with port 0). */
    public static Shards open(String host, AtriumConfig.Rtc rtc, MediaLimits limits, BandwidthEstimator.Limits bwe) {
        List<MediaTransport> transports = new ArrayList<>();
        try {
            for (int i = 0; i < rtc.mediaThreads(); i++) {
                transports.add(new MediaTransport(host, rtc, rtc.port() == 0 ? 0 : rtc.port() + i));
            }
        } catch (RuntimeException e) {
            transports.forEach(MediaTransport::close);
            throw e;
        }
        List<MediaTransport> all = List.copyOf(transports);
        return new Shards(all.stream().map(t -> new Sfu(t, limits, bwe, rtc.dynacast(), all)).toList());
    }

    /** One shard per transport, with default limits (tests and benchmarks). */
    public static Shards of(List<MediaTransport> transports) {
        List<MediaTransport> all = List.copyOf(transports);
        return new Shards(all.stream().map(t -> new Sfu(t, MediaLimits.defaults(), BandwidthEstimator.Limits.DEFAULT,
                new AtriumConfig.Dynacast(null, null), all)).toList());
    }

    /**
     * The room's router on its shard — placed now if the room has none — reserved for one
     * {@link Router#addPublisher}/{@link Router#addSubscriber}/{@link Router#subscribeLocal} call or
     * {@link Router#release}. Serialised, so two first joins of one room cannot pick two shards; a router only
     * ever leaves its shard by emptying ({@code Sfu.removeIfEmpty}, under the map's own lock), after which the
     * next join places the room afresh.
     */
    public synchronized Router join(UUID room) {
        for (Sfu s : shards) {
            if (s.existing(room).isPresent()) {
                return s.join(room);
            }
        }
        return shards.stream().min(Comparator.comparingLong(Sfu::packetsPerSecond)
                .thenComparingInt(s -> s.transport().peerCount()).thenComparingInt(Sfu::roomCount)).orElseThrow().join(room);
    }

    /** The room's router if it has one; never places it. */
    public Optional<Router> existing(UUID room) {
        for (Sfu s : shards) {
            Optional<Router> r = s.existing(room);
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }

    /** The media ports of every shard, in shard order ({@code rtc.port + i}, or the free ones picked with port 0). */
    public List<Integer> ports() {
        return shards.stream().map(Sfu::port).toList();
    }

    /** The shards, index = port offset. */
    public List<Sfu> shards() {
        return shards;
    }

    /** The rooms with media on this node. */
    public Set<UUID> rooms() {
        Set<UUID> out = new java.util.HashSet<>();
        shards.forEach(s -> out.addAll(s.rooms()));
        return Set.copyOf(out);
    }

    public int roomCount() {
        return shards.stream().mapToInt(Sfu::roomCount).sum();
    }

    /** Open peer connections over every shard. */
    public int peerCount() {
        return shards.stream().mapToInt(s -> s.transport().peerCount()).sum();
    }

    /** Every open peer of every shard (a snapshot). */
    public List<MediaPeer> peers() {
        return shards.stream().flatMap(s -> s.transport().peers().stream()).toList();
    }

    /** The sum of {@code f} over the shards' transports (the metrics' counters). */
    public long sum(ToLongFunction<MediaTransport> f) {
        return shards.stream().mapToLong(s -> f.applyAsLong(s.transport())).sum();
    }

    /** The sum of {@code f} over the shards' SFU counters. */
    public long sumSfu(ToLongFunction<SfuCounters> f) {
        return shards.stream().mapToLong(s -> f.applyAsLong(s.counters())).sum();
    }

    /** Summed {@link PeerStats} of every peer every shard has had. */
    public PeerStats totals() {
        PeerStats t = new PeerStats();
        shards.forEach(s -> t.add(s.transport().totals()));
        return t;
    }

    /**
     * Tracks and reception quality over every room: one builder handed from shard thread to shard thread. While the
     * server stops the future fails with {@link Sfu#stopping()}.
     */
    public CompletableFuture<MediaQuality> quality() {
        CompletableFuture<MediaQuality> result = new CompletableFuture<>();
        sample(0, new MediaQuality.Builder(), result);
        return result;
    }

    private void sample(int i, MediaQuality.Builder b, CompletableFuture<MediaQuality> result) {
        if (i == shards.size()) {
            result.complete(b.build());
            return;
        }
        Sfu s = shards.get(i);
        try {
            s.onMediaThread(() -> {
                s.sample(b);
                sample(i + 1, b, result);
            });
        } catch (MediaLimitException stopping) {
            result.completeExceptionally(stopping);
        }
    }

    /**
     * Copies every track of {@code room}, present and future, to a tap from {@code factory} until {@link #untap}:
     * set on every shard, so the room's taps follow it wherever it is placed. Any thread. While the server stops,
     * {@link Sfu#stopping()}, with the factory untapped again from every shard and {@code untappedIfRefused} run
     * once that is done (as {@link #untap}'s {@code then}: no tap of the factory gets another packet).
     */
    public void tap(UUID room, PacketTap.Factory factory, Runnable untappedIfRefused) {
        try {
            shards.forEach(s -> s.tap(room, factory));
        } catch (MediaLimitException stopping) {
            untap(room, factory, untappedIfRefused);
            throw stopping;
        }
    }

    /**
     * Stops {@code factory}'s taps of {@code room} on every shard, then runs {@code then} once, on a media thread (or,
     * while the server stops, once the shards' threads have ended). A clean-up, never refused.
     */
    public void untap(UUID room, PacketTap.Factory factory, Runnable then) {
        AtomicInteger left = new AtomicInteger(shards.size());
        shards.forEach(s -> s.untap(room, factory, () -> {
            if (left.decrementAndGet() == 0) {
                then.run();
            }
        }));
    }

    /** Test-only: drop this fraction of incoming SRTP on every shard ({@link MediaTransport#testDropRate}). */
    public void testDropRate(double rate) {
        shards.forEach(s -> s.transport().testDropRate(rate));
    }

    /** True once the server has begun stopping the media: a new peer would be refused ({@link Sfu#stopping()}). */
    public boolean stopping() {
        return shards.stream().anyMatch(s -> s.transport().socket().stopping());
    }

    @Override
    public void close() {
        shards.forEach(s -> s.transport().close());
    }
}
