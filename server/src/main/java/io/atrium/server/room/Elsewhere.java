package io.atrium.server.room;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A user's video registrations ({@code register_room_api}) and phones on the other nodes of a cluster, for
 * the SIP bridge (docs/SCALING.md, "Cross-node events"): each node lists its registrations in Redis, so the
 * node that runs an invite reaches the invited user's sockets and phones wherever they registered, and a
 * decline sent on any node reaches the node that runs the invite. One node: nothing is elsewhere.
 */
public interface Elsewhere {

    /** One node. */
    Elsewhere NOWHERE = new Elsewhere() {
        @Override
        public void registered(Session session, UUID user, Instant until) {
        }

        @Override
        public void unregistered(Session session, UUID user) {
        }

        @Override
        public List<Session> registrations(UUID user) {
            return List.of();
        }

        @Override
        public void inviting(String callId, Instant until) {
        }

        @Override
        public void phonesRegistered(String extension, Map<String, Instant> contacts, Collection<String> gone) {
        }

        @Override
        public List<String> phones(String extension) {
            return List.of();
        }

        @Override
        public boolean running(UUID room) {
            return false;
        }

        @Override
        public Optional<String> phoneNode(UUID room) {
            return Optional.empty();
        }

        @Override
        public boolean runsHere(UUID room) {
            return true;
        }
    };

    /** The socket of {@code session}, on this node, is a video registration of {@code user} until {@code until}. */
    void registered(Session session, UUID user, Instant until);

    /** The socket of {@code session} is no longer a video registration of {@code user} (it closed). */
    void unregistered(Session session, UUID user);

    /**
     * The live video registrations of {@code user} on the other live nodes, as sessions whose notifications
     * reach those sockets; the same session for the same socket each time (a call it makes here runs with it).
     */
    List<Session> registrations(UUID user);

    /** The invite {@code callId} is answered and declined on this node until {@code until}. */
    void inviting(String callId, Instant until);

    /**
     * The phones registered to {@code extension} on this node are now {@code contacts} (each until its
     * expiry); {@code gone}: contacts no longer registered here.
     */
    void phonesRegistered(String extension, Map<String, Instant> contacts, Collection<String> gone);

    /** The contacts of the phones registered to {@code extension} on any node (this one's included), not expired. */
    List<String> phones(String extension);

    /** Whether {@code room} runs on some node now (another node's temporary room must not be deleted); true when that cannot be told. */
    boolean running(UUID room);

    /**
     * The SIP address ({@code host:port}) of the node that runs {@code room} when that is another node: a
     * phone dialling the room's number is sent there. A room that no node runs is taken here (empty).
     * Throws {@link RoomHome.Unavailable} when that cannot be told.
     */
    Optional<String> phoneNode(UUID room);

    /**
     * Whether {@code room} runs on this node, taking it here if no live node runs it (its node died): for what
     * adopts a dead node's rooms ({@link RoomListener#nodeGone}). Throws {@link RoomHome.Unavailable}.
     */
    boolean runsHere(UUID room);
}
