package io.atrium.server.room;

import io.atrium.server.auth.AccessToken;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Contract 002's SIP methods over the room protocol's socket (docs/PROTOCOL.md, "SIP"), served by the
 * SIP bridge when SIP is on ({@link RoomService#sip}); without it they answer {@code 501 SIP is not configured}.
 */
public interface SipRooms {

    /** The methods this interface serves, in the room protocol's namespace. */
    Set<String> METHODS = Set.of("create_temp_room", "register_room_api", "convert_to_room", "invite_exten",
            "decline_room_invite");

    /** Runs one of {@link #METHODS} for {@code session}. */
    CompletableFuture<Object> call(Session session, String method, Params params);

    /**
     * A {@code join_room} with {@code token} is about to run for {@code session}: an invite's token is
     * single-use (the first registration to join answers the invite) and ends with the invite; throws
     * {@link RpcException} to refuse. Tokens that are no invite pass.
     */
    void joining(AccessToken token, Session session);

    /** The socket of {@code session} closed (its video registration ends). */
    void closed(Session session);
}
