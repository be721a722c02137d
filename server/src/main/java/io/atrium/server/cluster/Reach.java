package io.atrium.server.cluster;

import io.atrium.server.room.Elsewhere;
import io.atrium.server.room.Session;
import io.lettuce.core.ExpireArgs;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Elsewhere} on Redis (docs/SCALING.md, "Cross-node events"). A node lists each video registration of
 * its sockets in the sorted set {@code atrium:apps:<user>} (member: the socket's relay key and its address;
 * score: when the registration lapses, in epoch ms). The node that runs an invite reads it and reaches each
 * socket of another live node through the {@link Relay}, as it reaches a socket relayed to a room it runs:
 * notifications go to that node's channel, and a call the socket sends to this node runs with the same
 * session. The node that runs an invite writes {@code atrium:invite:<call id>} = its id until the invite's
 * token expires, which tells the node of any socket where a {@code decline_room_invite} goes. Phones are
 * listed the same way, in {@code atrium:phones:<extension>} (member: the contact URI; score: when the binding
 * expires): the node that runs an invite or a call to an extension rings them itself, wherever they
 * registered, so the phone's call and media are that node's. What this node listed it also keeps, so that
 * it can list it again at once when Redis comes back empty ({@link #republish}).
 */
final class Reach implements Elsewhere {

    static final String APPS = "atrium:apps:";
    static final String INVITE = "atrium:invite:";
    static final String PHONES = "atrium:phones:";
    private static final Logger log = LoggerFactory.getLogger(Reach.class);

    private final String self;
    private final RedisCommands<String, String> redis;
    private final Relay relay;
    private final Supplier<Set<String>> live;
    /** The node that runs a room, which is this one if no live node did (throws {@code RoomHome.Unavailable}). */
    private final Function<UUID, NodeInfo> nodeOf;
    private final Clock clock;
    /** What this node listed, to list it again after Redis lost it: sorted set key → member → score (ms). */
    private final Map<String, Map<String, Long>> listed = new HashMap<>();
    /** The invites this node runs: {@code atrium:invite:<call id>} → until (ms). */
    private final Map<String, Long> invites = new ConcurrentHashMap<>();

    Reach(String self, RedisCommands<String, String> redis, Relay relay, Supplier<Set<String>> live,
          Function<UUID, NodeInfo> nodeOf, Clock clock) {
        this.nodeOf = nodeOf;
        this.self = self;
        this.redis = redis;
        this.relay = relay;
        this.live = live;
        this.clock = clock;
    }

    /** A registration's member of {@code atrium:apps:<user>}: the relay key, a space, the client's address. */
    private static String member(String key, Session session) {
        return key + " " + session.address();
    }

    @Override
    public void registered(Session session, UUID user, Instant until) {
        try {
            String member = member(relay.key(session), session);
            list(APPS + user, member, until.toEpochMilli());
            redis.zadd(APPS + user, until.toEpochMilli(), member);
            // every registration lasts as long from when it is made: the last one written lapses last
            redis.pexpireat(APPS + user, until.toEpochMilli());
        } catch (RedisException e) {
            log.warn("video registration of {} not listed for the other nodes (invites there miss it): {}", user, e.toString());
        }
    }

    @Override
    public void unregistered(Session session, UUID user) {
        Optional<String> key = relay.keyOf(session);
        key.ifPresent(k -> unlist(APPS + user, List.of(member(k, session))));
        try {
            key.ifPresent(k -> redis.zrem(APPS + user, member(k, session)));
        } catch (RedisException e) {
            log.warn("video registration of {} not withdrawn (it lapses by itself): {}", user, e.toString());
        }
    }

    @Override
    public List<Session> registrations(UUID user) {
        List<String> members;
        try {
            members = redis.zrangebyscore(APPS + user, Range.create((double) clock.millis(), Double.POSITIVE_INFINITY));
        } catch (RedisException e) {
            log.warn("video registrations of {} on other nodes unknown (not invited there): {}", user, e.toString());
            return List.of();
        }
        Set<String> nodes = live.get();
        List<Session> sessions = new ArrayList<>();
        for (String m : members) {
            int space = m.indexOf(' ');
            String key = space < 0 ? m : m.substring(0, space);
            String node = key.substring(0, Math.max(0, key.indexOf('/')));
            if (!node.equals(self) && nodes.contains(node)) {
                sessions.add(relay.proxy(key, space < 0 ? null : m.substring(space + 1)));
            }
        }
        return sessions;
    }

    @Override
    public void inviting(String callId, Instant until) {
        prune();
        invites.put(INVITE + callId, until.toEpochMilli());
        try {
            redis.set(INVITE + callId, self, SetArgs.Builder.pxAt(until.toEpochMilli()));
        } catch (RedisException e) {
            log.warn("invite {} not listed (declines on other nodes are refused): {}", callId, e.toString());
        }
    }

    @Override
    public void phonesRegistered(String extension, Map<String, Instant> contacts, Collection<String> gone) {
        String key = PHONES + extension;
        prune();
        unlist(key, gone);
        contacts.forEach((contact, until) -> list(key, contact, until.toEpochMilli()));
        try {
            if (!gone.isEmpty()) {
                redis.zrem(key, gone.toArray(String[]::new));
            }
            contacts.forEach((contact, until) -> redis.zadd(key, until.toEpochMilli(), contact));
            contacts.values().stream().max(Instant::compareTo).ifPresent(last -> expireNoSooner(key, last.toEpochMilli()));
        } catch (RedisException e) {
            log.warn("phones of {} not listed for the other nodes (calls there miss them): {}", extension, e.toString());
        }
    }

    @Override
    public List<String> phones(String extension) {
        try {
            return redis.zrangebyscore(PHONES + extension, Range.create((double) clock.millis(), Double.POSITIVE_INFINITY));
        } catch (RedisException e) {
            log.warn("phones of {} on other nodes unknown (not rung there): {}", extension, e.toString());
            return List.of();
        }
    }

    @Override
    public boolean running(UUID room) {
        try {
            return redis.exists(RoomLeases.key(room)) > 0;
        } catch (RedisException e) {
            return true;
        }
    }

    @Override
    public Optional<String> phoneNode(UUID room) {
        NodeInfo owner = nodeOf.apply(room);
        return owner.id().equals(self) || owner.sip().isEmpty() ? Optional.empty() : Optional.of(owner.sip());
    }

    @Override
    public boolean runsHere(UUID room) {
        return nodeOf.apply(room).id().equals(self);
    }

    private synchronized void list(String key, String member, long until) {
        listed.computeIfAbsent(key, k -> new HashMap<>()).put(member, until);
    }

    private synchronized void unlist(String key, Collection<String> members) {
        listed.computeIfPresent(key, (k, m) -> {
            members.forEach(m::remove);
            return m.isEmpty() ? null : m;
        });
    }

    /**
     * Lists again what this node listed and has not lapsed: its video registrations, its phones and its
     * invites (Redis came back, maybe empty). Throws {@link RedisException}.
     */
    void republish() {
        Map<String, Map<String, Long>> sets = new HashMap<>();
        synchronized (this) {
            prune();
            listed.forEach((key, members) -> sets.put(key, Map.copyOf(members)));
        }
        invites.forEach((key, until) -> redis.set(key, self, SetArgs.Builder.pxAt(until)));
        for (Map.Entry<String, Map<String, Long>> set : sets.entrySet()) {
            set.getValue().forEach((member, until) -> redis.zadd(set.getKey(), until, member));
            set.getValue().values().stream().max(Long::compare).ifPresent(last -> expireNoSooner(set.getKey(), last));
        }
    }

    /** {@code key} expires at {@code at} or later: a new key gets it, another node's later expiry is never shortened. */
    private void expireNoSooner(String key, long at) {
        redis.pexpireat(key, at, ExpireArgs.Builder.nx());
        redis.pexpireat(key, at, ExpireArgs.Builder.gt());
    }

    /** Forgets what has lapsed of what this node listed (Redis expires it by itself). */
    private synchronized void prune() {
        long now = clock.millis();
        invites.values().removeIf(until -> until <= now);
        listed.values().forEach(m -> m.values().removeIf(until -> until <= now));
        listed.values().removeIf(Map::isEmpty);
    }

    /** The node that runs invite {@code callId}; null when none is known. Throws {@link RedisException}. */
    String node(String callId) {
        return redis.get(INVITE + callId);
    }
}
