package io.atrium.server.sip;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.edge.RateLimiter;
import io.atrium.server.room.RpcException;
import io.atrium.server.store.User;
import io.atrium.server.store.UserStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one rule for what a room's invite may ring ({@code invite_exten}, {@code create_temp_room},
 * {@code convert_to_room}; docs/SIP.md, "Who may dial out"; docs/SECURITY.md, finding 25), checked before anything
 * rings, so a refused invite rings nothing:
 * <ul>
 * <li>every destination is a dial string ({@link User#DIAL_STRING}), else {@code 400};</li>
 * <li>a destination that is no extension goes out through the trunk only for an inviter that is a directory user
 * with a SIP extension (the right its SIP account has from a phone already), else {@code 403}: an anonymous admin
 * token, such as a contract facade's, never dials out;</li>
 * <li>once an inviter, a room, or the network address of an inviter that is no directory user has rung
 * {@code sip.invites_per_minute} destinations in the last minute, {@code 429} (a destination that rings nothing, such
 * as an extension without phones, does not count; a request admitted under the limit rings all its destinations);</li>
 * <li>at most {@code sip.max_outbound_dials} calls out through the trunk at once, ringing or answered, and
 * {@code sip.max_outbound_dials_per_room} for one room, else {@code 429};</li>
 * <li>nothing while the server stops ({@link #stop}; docs/SIP.md, "Restarts"), {@code 503}, as a phone's call then.</li>
 * </ul>
 * The server's bound on calls out through the trunk counts a phone's own call out as well ({@link #phoneCallOut}):
 * every call that leaves through the trunk takes its slot here.
 */
final class InviteRules {

    /** Who invites: a directory user, or else a token's identity, from a network address. */
    record Inviter(Optional<UUID> user, String identity, String address) {
    }

    /**
     * What an admitted invite may ring: its {@code destinations}, of them {@code outbound} through the trunk (each
     * holding a slot); each that rings counts against the {@code limits} keys ({@link #rang}).
     */
    record Admitted(List<String> destinations, Set<String> outbound, List<String> limits) {
    }

    private final AtriumConfig.Sip config;
    private final UserStore users;
    private final boolean trunk;
    private final RateLimiter invites;
    /** Rooms' calls out through the trunk (ringing or answered), per room; guarded by this. */
    private final Map<UUID, Integer> out = new HashMap<>();
    /** Every call out through the trunk (ringing or answered): rooms' and phones' own; guarded by this. */
    private int outTotal;
    /** Set once the server stops: nothing new rings. */
    private volatile boolean stopping;

    InviteRules(AtriumConfig.Sip config, UserStore users, boolean trunk, Clock clock) {
        this.config = config;
        this.users = users;
        this.trunk = trunk;
        this.invites = new RateLimiter(config.invitesPerMinute(), clock);
    }

    /**
     * Admits {@code destinations} (duplicates dropped) invited into {@code room} by {@code inviter}, or throws the
     * {@link RpcException} that says why not; an admitted invite's outbound calls hold their slots until {@link #release}d
     * (each call's by its {@link #slot}).
     */
    Admitted admit(UUID room, Inviter inviter, List<String> destinations) {
        if (stopping) {
            throw new RpcException(503, "the server is stopping: no new invites; retry in "
                    + SipFactories.RETRY_AFTER_STOPPING + " s");
        }
        List<String> distinct = List.copyOf(new LinkedHashSet<>(destinations));
        Set<String> outbound = new LinkedHashSet<>();
        for (String d : distinct) {
            if (!User.DIAL_STRING.matcher(d).matches()) {
                throw new RpcException(400, "invalid destination '" + d + "': a destination is an extension or a number, "
                        + User.DIAL_STRING_RULE);
            }
            if (trunk && users.findByExtension(d).isEmpty()) {
                outbound.add(d);
            }
        }
        Optional<User> user = inviter.user().flatMap(users::find);
        if (!outbound.isEmpty() && user.map(User::sipExtension).isEmpty()) {
            throw new RpcException(403, "not allowed to dial out: " + String.join(", ", outbound)
                    + (outbound.size() == 1 ? " is" : " are") + " no extension, and only a directory user with a SIP"
                    + " extension may invite numbers through the trunk");
        }
        List<String> limits = new ArrayList<>(List.of("room:" + room,
                user.map(u -> "user:" + u.uuid()).orElse("identity:" + room + ":" + inviter.identity())));
        if (user.isEmpty()) {
            limits.add("address:" + inviter.address());
        }
        long wait = limits.stream().mapToLong(invites::retryAfter).max().orElse(0);
        if (wait > 0) {
            throw new RpcException(429, "too many invites: at most " + config.invitesPerMinute()
                    + " destinations rung a minute per inviter and per room; retry in " + wait + " s");
        }
        reserve(room, outbound.size());
        return new Admitted(distinct, outbound, List.copyOf(limits));
    }

    /** The server stops: every invite from now on is refused ({@link #admit}). */
    void stop() {
        stopping = true;
    }

    /** Whether the server has begun stopping ({@link #stop}). */
    boolean stopping() {
        return stopping;
    }

    /** A destination of {@code admitted} rang (phones, apps or the trunk). */
    void rang(Admitted admitted) {
        admitted.limits().forEach(invites::acquire);
    }

    /**
     * A phone's own call out through the trunk (a directory user's phone dialling a number) takes one of the server's
     * {@code sip.max_outbound_dials} slots, as a room's call out does, from its INVITE until it is over, and none of a
     * room's: it is in no room. Returns what gives the slot back (once, however often it runs); over the bound, throws
     * the {@link RpcException} a room's invite gets then, whose message the phone hears as its refusal's reason phrase.
     */
    Runnable phoneCallOut() {
        reserve(null, 1);
        return slot(null);
    }

    /** Takes {@code calls} slots of the server's calls out and of {@code room}'s (null: a phone's call, in no room). */
    private synchronized void reserve(UUID room, int calls) {
        if (calls == 0) {
            return;
        }
        int inRoom = room == null ? 0 : out.getOrDefault(room, 0);
        if (room != null && inRoom + calls > config.maxOutboundDialsPerRoom()) {
            throw new RpcException(429, "too many calls out through the trunk: at most " + config.maxOutboundDialsPerRoom()
                    + " for a room at once (" + inRoom + " now)");
        }
        if (outTotal + calls > config.maxOutboundDials()) {
            throw new RpcException(429, "too many calls out through the trunk: at most " + config.maxOutboundDials()
                    + " on this server at once");
        }
        if (room != null) {
            out.put(room, inRoom + calls);
        }
        outTotal += calls;
    }

    /**
     * {@code calls} {@link #admit admitted} to go out for {@code room} (null: a {@link #phoneCallOut phone's own}) are
     * over (unanswered, or answered and ended) or never rang.
     */
    synchronized void release(UUID room, int calls) {
        if (calls > 0) {
            if (room != null) {
                out.computeIfPresent(room, (r, n) -> n > calls ? n - calls : null);
            }
            outTotal -= calls;
        }
    }

    /**
     * What gives back one call's slot of {@code room}'s {@link #admit admitted} calls out (null: a phone's own call's):
     * {@link #release} once, however often it runs.
     */
    Runnable slot(UUID room) {
        AtomicBoolean given = new AtomicBoolean();
        return () -> {
            if (given.compareAndSet(false, true)) {
                release(room, 1);
            }
        };
    }
}
