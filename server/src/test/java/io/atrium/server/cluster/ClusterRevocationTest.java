package io.atrium.server.cluster;

import static io.atrium.server.cluster.ClusterWhipWhepTest.STAYS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.testing.ClusterNodes;
import io.atrium.server.testing.ClusterNodes.Member;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.Waits;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A token revoked on one node is refused by every node within a second (docs/SCALING.md, "Revocations";
 * docs/SECURITY.md, findings 2 and 15): revoked by id or by identity on n1, n2 refuses it for what it answers itself
 * (WHIP) and ends its socket and WHIP session there; demoted live on n1, the identity's earlier token is refused by n2.
 * Two nodes in this JVM on one real Redis and PostgreSQL; a Java WebSocket client and a Java WebRTC peer.
 */
class ClusterRevocationTest {

    /** How soon n2 refuses a token revoked on n1: one read of the journal (every 500 ms) and its query, with room to spare. */
    static final Duration REFUSED_WITHIN = Duration.ofMillis(1500);
    /** How soon n2 ends a socket using it: that, and the room's next tick (every 500 ms). */
    static final Duration CLOSED_WITHIN = Duration.ofMillis(2500);

    @RegisterExtension
    static final ClusterNodes cluster = new ClusterNodes("n1", "n2");
    TestServer n1;
    TestServer n2;

    /** A new open room, placed on {@code node}. */
    static String roomOn(TestServer node, String name) {
        String room = ClusterNodes.openRoom(node, name);
        assertThat(ClusterNodes.of(node).here(UUID.fromString(room))).as("room %s placed on its node", name).isEmpty();
        return room;
    }

    /**
     * A WHIP {@code POST} to {@code node} that can make nothing (not an SDP offer): the token is checked first, so a
     * token the node takes gets 415 (its room runs there) or 307 (elsewhere), a refused one 401.
     */
    static HttpResponse<String> whipProbe(TestServer node, String room, String token) {
        try {
            return STAYS.send(HttpRequest.newBuilder(node.uri("/whip/" + room)).header("Content-Type", "text/plain")
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString("not an offer")).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean refused(HttpResponse<String> r) {
        return r.statusCode() == 401 && r.body().contains("token revoked");
    }

    /** Waits until {@code node} refuses {@code token} (401 token revoked), at most {@code REFUSED_WITHIN} after {@code since}. */
    static void refusedSoon(TestServer node, String room, String token, long since) {
        Waits.waitUntil(() -> refused(whipProbe(node, room, token)), "the token refused by the other node", Duration.ofSeconds(10));
        Duration took = Duration.ofNanos(System.nanoTime() - since);
        System.out.println("refused by the other node after " + took.toMillis() + " ms");
        assertThat(took).isLessThan(REFUSED_WITHIN);
    }

    /** A socket on {@code node} watching {@code room} with {@code token}; its calls run there. */
    RpcClient watching(TestServer node, String room, String token) {
        RpcClient watcher = cluster.socket(node);
        assertThat(watcher.call("watch_room", Map.of("auth_token", token)).get("room_id").asText()).isEqualTo(room);
        return watcher;
    }

    /** {@code socket} is told {@code token_revoked} and closed, at most {@code CLOSED_WITHIN} after {@code since}. */
    static void endedSoon(RpcClient socket, long since) {
        assertThat(socket.await("token_revoked", Duration.ofSeconds(10))).isEmpty();
        assertThat(socket.closed).succeedsWithin(Duration.ofSeconds(10));
        Duration took = Duration.ofNanos(System.nanoTime() - since);
        System.out.println("socket ended on the other node after " + took.toMillis() + " ms");
        assertThat(took).isLessThan(CLOSED_WITHIN);
    }

    @Test
    void aTokenRevokedByIdOnOneNodeEndsItsSocketAndWhipSessionOnTheOther() throws Exception {
        String room = roomOn(n2, "revoked by id");
        String token = n1.token(room, "\"identity\": \"obs\"");
        RpcClient watcher = watching(n2, room, token);
        JavaPeer publisher = cluster.closing(new JavaPeer());
        HttpResponse<String> published = ClusterWhipWhepTest.post(STAYS, n2.uri("/whip/" + room), publisher.offer(true), token);
        assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
        publisher.connect(published.body());
        String session = published.headers().firstValue("Location").orElseThrow();
        String stranger = n2.token(room, "\"identity\": \"stranger\"");
        assertThat(n2.send("DELETE", session, null, "Bearer " + stranger).status()).as("the session lives").isEqualTo(403);
        assertThat(whipProbe(n2, room, token).statusCode()).as("n2 takes the token").isEqualTo(415);

        long revoked = System.nanoTime();
        TestServer.Response r = n1.post("/v1/tokens/revoke", "{\"jti\": \"" + TestServer.jti(token) + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        refusedSoon(n2, room, token, revoked);
        endedSoon(watcher, revoked);
        Waits.waitUntil(() -> n2.send("DELETE", session, null, "Bearer " + stranger).status() == 404,
                "the revoked token's WHIP session on n2 ends", Duration.ofSeconds(10));
        System.out.println("WHIP session ended on the other node after " + (System.nanoTime() - revoked) / 1_000_000 + " ms");
        assertThat(whipProbe(n2, room, n2.token(room, "\"identity\": \"obs\"")).statusCode())
                .as("another token of the identity still works").isEqualTo(415);
    }

    @Test
    void anIdentityRevokedOnOneNodeIsRefusedAndItsSocketEndedOnTheOther() {
        String room = roomOn(n2, "revoked by identity");
        String token = n1.token(room, "\"identity\": \"eve\"");
        RpcClient watcher = watching(n2, room, token);

        long revoked = System.nanoTime();
        TestServer.Response r = n1.post("/v1/tokens/revoke", "{\"room\": \"" + room + "\", \"identity\": \"eve\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        refusedSoon(n2, room, token, revoked);
        endedSoon(watcher, revoked);
    }

    @Test
    void anAdminDemotedLiveOnOneNodeIsRefusedItsOldTokenByTheOther() {
        String room = roomOn(n1, "demoted");
        String adminToken = n1.token(room, "\"identity\": \"ada\", \"admin\": true");
        Member ada = cluster.joinOn(cluster.socket(n1), adminToken);
        assertThat(whipProbe(n2, room, adminToken).statusCode()).as("n2 takes the token (the room runs on n1)").isEqualTo(307);

        long demoted = System.nanoTime();
        TestServer.Response r = n1.send("PATCH", "/v1/rooms/" + room + "/live/ada", "{\"admin\": false}", TestServer.BASIC);
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        refusedSoon(n2, room, adminToken, demoted);
        JsonNode told = ada.rpc().await("permissions_changed");
        assertThat(whipProbe(n2, room, told.get("auth_token").asText()).statusCode())
                .as("the token handed on is taken by n2").isEqualTo(307);
    }
}
