package io.atrium.server.cluster;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.ConfigException;
import io.atrium.server.edge.RelayMark;
import io.atrium.server.room.RoomHome;
import io.atrium.server.room.RoomService;
import io.atrium.server.sfu.Shards;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import reactor.core.Disposable;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node as one of many (docs/SCALING.md): its heartbeat in the {@link NodeRegistry}, the leases of the
 * rooms it holds ({@link RoomLeases}), where a room lives ({@link RoomHome}) and the {@link Relay} of
 * WebSocket calls for rooms owned elsewhere. Present only when {@code cluster.redis_url} is set.
 */
public final class Cluster implements RoomHome, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Cluster.class);
    /** The secret of the cluster's {@link RelayMark}: the first node's own, written once (docs/SCALING.md). */
    static final String RELAY_SECRET = "atrium:cluster:relay-secret";

    private final AtriumConfig.Cluster config;
    private final String id;
    private final RoomService rooms;
    private final Shards shards;
    private final Clock clock;
    private final Placement placement;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final NodeRegistry registry;
    private final RoomLeases leases;
    private final Relay relay;
    private final Reach reach;
    private final RelayMark mark;
    private final ClientResources resources;
    private final Disposable reconnects;
    private final ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "atrium-cluster");
        t.setDaemon(true);
        return t;
    });
    private final java.util.List<String> rtcAddresses;
    private final String sipAddress;
    private volatile String url;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    /** Whether this node drains: no new rooms are placed on it (docs/SCALING.md, draining). */
    private volatile boolean draining;
    /** The rooms whose leases this node renewed at the last heartbeat; only the heartbeat thread touches it. */
    private Set<UUID> held = Set.of();
    /**
     * Rooms whose lease another node took while they were still here (evicted, told once): not renewed while
     * what is left of them here goes (a media peer closing), unless this node is given the room again.
     */
    private final Set<UUID> given = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Cluster(AtriumConfig config, RoomService rooms, Shards shards, Placement placement, Clock clock) {
        this.config = config.cluster();
        this.id = this.config.nodeId().isEmpty() ? "node-" + UUID.randomUUID().toString().substring(0, 8) : this.config.nodeId();
        this.rooms = rooms;
        this.shards = shards;
        this.clock = clock;
        this.placement = placement;
        this.rtcAddresses = config.rtc().announcedAddresses();
        this.sipAddress = config.sip().enabled() ? config.sip().publicAddress() + ":" + config.sip().port() : "";
        RedisURI uri = RedisURI.create(this.config.redisUrl());
        Duration timeout = Duration.ofMillis(this.config.nodeTtlMillis());
        uri.setTimeout(timeout);
        // a Redis that comes back is found again within a quarter heartbeat (Lettuce's default backs off to 30 s)
        this.resources = DefaultClientResources.builder().reconnectDelay(Delay.exponential(Duration.ofMillis(10),
                Duration.ofMillis(Math.max(10, this.config.heartbeatMillis() / 4)), 2, TimeUnit.MILLISECONDS)).build();
        this.client = RedisClient.create(resources, uri);
        // while Redis is away commands fail at once instead of queueing: live rooms carry on, placement says 503
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        try {
            this.connection = client.connect();
        } catch (RedisException e) {
            client.shutdown();
            resources.shutdown();
            throw new ConfigException("cannot reach Redis at " + this.config.redisUrl() + " (cluster.redis_url): " + e.getMessage(), e);
        }
        this.registry = new NodeRegistry(connection.sync(), this.config.nodeTtlMillis());
        this.leases = new RoomLeases(connection.sync(), connection.async(), this.config.leaseMillis(), timeout.toMillis());
        this.relay = new Relay(id, client, connection.async(), rooms, this::ownerId, this::inviteNode);
        this.reach = new Reach(id, connection.sync(), relay, () -> registry.live().keySet(), this::taken, clock);
        rooms.state().keepWith(new KeptState(id, connection.sync(), connection.async(), connection::isOpen, this::refused));
        rooms.elsewhere(reach);
        this.mark = new RelayMark(clock);
        try {
            agreeOnRelaySecret();
        } catch (RedisException e) {
            log.warn("cannot read the cluster's relay secret yet (the first heartbeat will): {}", e.toString());
        }
        // each (re)connection: Redis may have restarted empty, so say at once what this node holds
        this.reconnects = resources.eventBus().get().filter(e -> e instanceof ConnectionActivatedEvent)
                .subscribe(e -> republish());
    }

    /** Connects to Redis; the node joins the registry at {@link #start}. */
    public static Cluster connect(AtriumConfig config, RoomService rooms, Shards shards, Clock clock) {
        return new Cluster(config, rooms, shards, Placement.LEAST_LOADED, clock);
    }

    /**
     * Joins the registry as reachable at {@code url} ({@code cluster.public_url} when set) and starts the
     * heartbeat; the first beat runs now so that a node that answers is a node others see.
     */
    public Cluster start(String url) {
        this.url = config.publicUrl().isEmpty() ? url : config.publicUrl();
        relay.start();
        heartbeat(true);
        beat.scheduleAtFixedRate(() -> heartbeat(true), config.heartbeatMillis(), config.heartbeatMillis(), TimeUnit.MILLISECONDS);
        log.info("cluster node {} at {} (Redis {})", id, this.url, config.redisUrl());
        return this;
    }

    public String id() {
        return id;
    }

    /** The relay of WebSocket calls: where the {@code /v1/rtc} endpoint sends them. */
    public Relay relay() {
        return relay;
    }

    /** The mark of HTTP requests relayed between the cluster's nodes, signed with the secret they share. */
    public RelayMark relayMark() {
        return mark;
    }

    /** The nodes seen live at the last heartbeat, by id. */
    public Map<String, NodeInfo> nodes() {
        return registry.live();
    }

    @Override
    public Optional<URI> elsewhere(UUID room) {
        NodeInfo owner;
        try {
            owner = owner(room);
        } catch (ClusterException e) {
            throw new Unavailable(e.getMessage(), e);
        }
        return owner.id().equals(id) ? Optional.empty() : Optional.of(URI.create(owner.url()));
    }

    /**
     * The node that owns {@code room}, placing it (on the least-loaded live node) if nobody does.
     * Throws {@link ClusterException} when Redis cannot answer.
     */
    public NodeInfo owner(UUID room) {
        return owner(room, () -> placement.choose(registry.live().values(), id).map(NodeInfo::id).orElse(id));
    }

    @Override
    public Optional<URI> here(UUID room) {
        NodeInfo owner = taken(room);
        return owner.id().equals(id) ? Optional.empty() : Optional.of(URI.create(owner.url()));
    }

    /** The node that owns {@code room}, which is this one if nobody did; throws {@link Unavailable}. */
    private NodeInfo taken(UUID room) {
        try {
            return owner(room, () -> id);
        } catch (ClusterException e) {
            throw new Unavailable(e.getMessage(), e);
        }
    }

    /** The node that owns {@code room}, placing it on the node {@code candidate} names if nobody does. */
    private NodeInfo owner(UUID room, java.util.function.Supplier<String> candidate) {
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                String chosen = candidate.get();
                String owner = leases.place(room, chosen);
                if (owner.equals(id)) {
                    given.remove(room);
                    return self();
                }
                Optional<NodeInfo> node = registry.read(owner);
                if (node.isPresent()) {
                    return node.get();
                }
                // the owner's key expired between the script and this read: place again
            }
            throw new ClusterException("room " + room + " could not be placed: its owners kept vanishing", null);
        } catch (RedisException e) {
            throw new ClusterException("Redis cannot place room " + room + ": " + e.getMessage(), e);
        }
    }

    /**
     * The base URL of the node that runs {@code room} now when that is another live node; empty when it runs
     * here, nowhere (nothing is placed), or Redis cannot tell.
     */
    public Optional<URI> runningElsewhere(UUID room) {
        try {
            String owner = leases.owner(room);
            if (owner == null || owner.equals(id)) {
                return Optional.empty();
            }
            return registry.read(owner).map(n -> URI.create(n.url()));
        } catch (RedisException e) {
            log.warn("cannot tell where room {} runs (answered here): {}", room, e.toString());
            return Optional.empty();
        }
    }

    private String ownerId(UUID room) {
        return owner(room).id();
    }

    private String inviteNode(String callId) {
        return reach.node(callId);
    }

    private NodeInfo self() {
        int[] counts = rooms.memberAndWatcherCounts();
        double cpu = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuLoad()) : 0;
        return new NodeInfo(id, url, rtcAddresses, heldNow().size(), counts[0] + counts[2], cpu, clock.millis(), draining, sipAddress);
    }

    /** The rooms with anyone in them on this node: a live room of the protocol or media (WHIP/WHEP). */
    private Set<UUID> heldNow() {
        Set<UUID> now = new HashSet<>(rooms.liveRooms());
        now.addAll(shards.rooms());
        return now;
    }

    /** The rooms whose leases this node holds: those with anyone in them, and those whose shared state is here. */
    private Set<UUID> leasedNow() {
        Set<UUID> now = heldNow();
        now.addAll(rooms.stateRooms());
        return now;
    }

    /**
     * After Redis (re)connects: this node's registry entry and leases at once (a heartbeat: a lease that
     * vanished is taken back, one another node took meanwhile is given up), then its video registrations,
     * phones and invites ({@link Reach#republish}). Before {@link #start} the first heartbeat does it.
     */
    private void republish() {
        if (url == null || closed.get()) {
            return;
        }
        try {
            beat.execute(() -> {
                heartbeat(false);
                try {
                    rooms.state().keepAll();
                    reach.republish();
                } catch (RuntimeException e) {
                    log.warn("could not list this node's registrations again (they are at their next refresh): {}", e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /**
     * One heartbeat: publish self, read the live nodes, renew held leases, release those of ended rooms. Only the
     * {@code scheduled} ones tell the relay which nodes are live ("absent at two heartbeats in a row" means
     * absent for a heartbeat interval, not at two beats an extra one made right after a reconnect).
     */
    private void heartbeat(boolean scheduled) {
        try {
            Set<UUID> now = leasedNow();
            given.retainAll(now);
            now.removeAll(given);
            Map<String, NodeInfo> live = registry.beat(self(), rooms::nodeGone);
            Set<UUID> lost = leases.renew(now, id);
            lost.forEach(this::giveUp);
            now.removeAll(lost);
            Set<UUID> ended = new HashSet<>(held);
            ended.removeAll(now);
            leases.release(ended, id);
            held = now;
            if (scheduled) {
                relay.nodesLive(live.keySet());
            }
            agreeOnRelaySecret();
        } catch (RuntimeException e) {
            log.warn("cluster heartbeat failed (live rooms carry on; placement waits for Redis): {}", e.toString());
        }
    }

    /**
     * Uses the relay secret Redis holds, writing this node's own there first if none is ({@code SET NX}: the first
     * writer's is everyone's). At start and at each heartbeat, so that after Redis lost it (restarted empty) the
     * first node to beat writes back the secret all held, or every node follows one that a node starting
     * meanwhile wrote, within a heartbeat.
     */
    private void agreeOnRelaySecret() {
        String shared = connection.sync().get(RELAY_SECRET);
        if (shared == null) {
            connection.sync().set(RELAY_SECRET, mark.secret(), SetArgs.Builder.nx());
            shared = connection.sync().get(RELAY_SECRET);
        }
        if (shared != null && !shared.isEmpty() && !shared.equals(mark.secret())) {
            log.debug("relay secret: using the cluster's");
            mark.use(shared);
        }
    }

    /**
     * Another node holds {@code room} now (this node missed its heartbeats, or the room was placed elsewhere while
     * Redis restarted), as the lease renewal or the kept state's fence found: its sockets and WHIP/WHEP sessions
     * here close and its state here is dropped ({@link RoomService#evict}), once, and its lease is not renewed
     * while what is left of it here goes, unless the room is placed here again.
     */
    private void giveUp(UUID room) {
        if (given.add(room)) {
            log.warn("room {} is owned by another node now: its sockets here close", room);
            rooms.evict(room);
        }
    }

    /** The kept state's fence refused a change or a read of {@code room}: given up on the heartbeat's thread. */
    private void refused(UUID room) {
        try {
            beat.execute(() -> giveUp(room));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /**
     * Starts ({@code on}) or stops draining: while it drains, no node places a new room here (the others
     * learn it at their next heartbeat, this node at once), and the rooms live here stay until they end.
     * Returns what this node now says of itself.
     */
    public NodeInfo drain(boolean on) {
        if (draining != on) {
            draining = on;
            log.info(on ? "cluster node {} drains: no new rooms here" : "cluster node {} takes new rooms again", id);
        }
        try {
            beat.submit(() -> heartbeat(false)).get(config.nodeTtlMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("could not tell the cluster at once (the next heartbeat will): {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return self();
    }

    /**
     * A node asked to stop (SIGTERM): drains, then waits until no room is live here or
     * {@code cluster.drain_timeout_seconds} have passed; {@link #close} then moves what is left.
     */
    public void drainBeforeStopping() {
        drain(true);
        long deadline = clock.millis() + config.drainTimeoutSeconds() * 1000L;
        while (!heldNow().isEmpty() && clock.millis() < deadline) {
            try {
                Thread.sleep(config.heartbeatMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.info("cluster node {} stops with {} rooms live (their members reconnect to another node)", id, heldNow().size());
    }

    /** Leaves the registry and releases this node's leases, so that its rooms are placed anew at once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        beat.shutdownNow();
        try {
            beat.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Set<UUID> all = new HashSet<>(held);
            all.addAll(leasedNow());
            leases.release(all, id);
            registry.leave(id);
        } catch (RuntimeException e) {
            log.warn("could not leave the cluster cleanly (its entries expire by themselves): {}", e.toString());
        } finally {
            reconnects.dispose();
            relay.close();
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
