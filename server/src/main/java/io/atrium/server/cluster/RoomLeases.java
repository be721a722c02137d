package io.atrium.server.cluster;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The room → node map in Redis: one key per live room, {@code atrium:room:<uuid>} = owner node id, with
 * an expiry (the lease). Every change is one Lua script, so it is atomic on the Redis server: two nodes
 * placing one room at once get the same answer, exactly one of them wrote it.
 */
final class RoomLeases {

    static final String PREFIX = "atrium:room:";

    /**
     * Place: the current owner if its node key still exists (it heartbeats), else {@code ARGV[1]} becomes
     * the owner for {@code ARGV[2]} ms ({@code SET ... PX}: an absent lease, or one whose node is gone).
     */
    private static final String PLACE = """
            local cur = redis.call('GET', KEYS[1])
            if cur and redis.call('EXISTS', ARGV[3] .. cur) == 1 then return cur end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return ARGV[1]""";
    /**
     * Renew: extend the lease if it is still ours, or take it back if it vanished (Redis restarted), and the
     * expiry of the room's kept state ({@code KEYS[2]}, {@link KeptState}); 0 when another node holds it.
     */
    private static final String RENEW = """
            local cur = redis.call('GET', KEYS[1])
            if cur and cur ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            return 1""";
    /** Release: delete the lease only if it is still ours. */
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""";

    private final RedisCommands<String, String> sync;
    private final RedisAsyncCommands<String, String> async;
    private final long leaseMillis;
    private final long timeoutMillis;

    RoomLeases(RedisCommands<String, String> sync, RedisAsyncCommands<String, String> async, long leaseMillis, long timeoutMillis) {
        this.sync = sync;
        this.async = async;
        this.leaseMillis = leaseMillis;
        this.timeoutMillis = timeoutMillis;
    }

    static String key(UUID room) {
        return PREFIX + room;
    }

    /** The node that owns {@code room}: its live owner, or {@code candidate}, which then holds a new lease. */
    String place(UUID room, String candidate) {
        return sync.eval(PLACE, ScriptOutputType.VALUE, new String[] {key(room)}, candidate, Long.toString(leaseMillis),
                NodeRegistry.PREFIX);
    }

    /** The owner of {@code room} now, or null. */
    String owner(UUID room) {
        return sync.get(key(room));
    }

    /** Renews the leases of {@code rooms} for {@code self}; returns those another node holds now. */
    Set<UUID> renew(Collection<UUID> rooms, String self) {
        List<UUID> order = new ArrayList<>(rooms);
        List<RedisFuture<Long>> answers = new ArrayList<>();
        for (UUID room : order) {
            answers.add(async.eval(RENEW, ScriptOutputType.INTEGER, new String[] {key(room), KeptState.key(room)}, self,
                    Long.toString(leaseMillis), Long.toString(KeptState.TTL_MILLIS)));
        }
        Set<UUID> lost = new HashSet<>();
        for (int i = 0; i < order.size(); i++) {
            if (await(answers.get(i)) == 0L) {
                lost.add(order.get(i));
            }
        }
        return lost;
    }

    /** Drops the leases of {@code rooms} that {@code self} still holds. */
    void release(Collection<UUID> rooms, String self) {
        List<RedisFuture<Long>> answers = new ArrayList<>();
        for (UUID room : rooms) {
            answers.add(async.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {key(room)}, self));
        }
        answers.forEach(this::await);
    }

    private <T> T await(RedisFuture<T> f) {
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new ClusterException("Redis refused a lease command: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ClusterException("Redis did not answer within " + timeoutMillis + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
    }
}
