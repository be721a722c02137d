package io.atrium.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.edge.RelayMark;
import io.atrium.server.testing.ClusterNodes;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RelayMarks;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WHIP and WHEP on any node (docs/SCALING.md): a request for a room owned by another node is answered 307 to
 * the same path on the owner, a client that follows it gets its session there and the media flows straight
 * to the owner. Three nodes in this JVM on one Redis and PostgreSQL; Java WebRTC peers.
 */
class ClusterWhipWhepTest {

    static final HttpClient FOLLOWS = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    static final HttpClient STAYS = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @RegisterExtension
    static final ClusterNodes cluster = new ClusterNodes("n1", "n2", "n3");
    TestServer n1;
    TestServer n2;
    TestServer n3;

    static HttpResponse<String> post(HttpClient client, URI uri, String sdp, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/sdp")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(sdp)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static int delete(URI uri, String token) {
        try {
            return STAYS.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The publisher talks until the player hears it. */
    static void hears(JavaPeer player, JavaPeer publisher) {
        int[] seq = {0};
        Waits.waitUntil(() -> {
            for (int i = 0; i < 5; i++, seq[0]++) {
                publisher.sendAudio(seq[0], seq[0] * 960, 50, new byte[] {1, 2, 3});
            }
            return !player.rtp.isEmpty();
        }, "the player receives the published audio", Duration.ofSeconds(60));
    }

    @Test
    void publishedOnNodeOneAndPlayedThroughNodeThree() throws Exception {
        String room = n1.createRoom("whip across nodes");
        String token = n1.token(room, "");
        try (JavaPeer publisher = new JavaPeer(); JavaPeer player = new JavaPeer()) {
            HttpResponse<String> published = post(STAYS, n1.uri("/whip/" + room), publisher.offer(true), token);
            assertThat(published.statusCode()).as("an idle cluster places the room where it is asked for (no Origin: not a page): "
                    + published.body())
                    .isEqualTo(201);
            assertThat(cluster.owner(room)).isEqualTo("n1");
            publisher.connect(published.body());

            URI whep = n3.uri("/whep/" + room + "?width=640&height=480");
            HttpResponse<String> redirect = post(STAYS, whep, player.offer(false), token);
            assertThat(redirect.statusCode()).isEqualTo(307);
            assertThat(redirect.headers().firstValue("Location"))
                    .hasValue("http://127.0.0.1:" + n1.server().httpPort() + "/whep/" + room + "?width=640&height=480");

            HttpResponse<String> played = post(FOLLOWS, whep, player.offer(false), token);
            assertThat(played.statusCode()).as(played.body()).isEqualTo(201);
            assertThat(played.uri().getPort()).as("the session was made on the owner").isEqualTo(n1.server().httpPort());
            URI session = played.uri().resolve(played.headers().firstValue("Location").orElseThrow());
            player.connect(played.body());
            assertThat(hasMediaOf(n3, room)).as("nothing of it on the node asked").isFalse();

            hears(player, publisher); // forwarded by n1, the only node with the media

            assertThat(delete(session, token)).isEqualTo(200);
            assertThat(delete(n3.uri(session.getPath()), token)).as("the session is on the owner, not on n3").isEqualTo(404);
        }
    }

    /**
     * Whether {@code node} has media of {@code room} (a router: a peer of it was made there). Not the node's peer count:
     * the peers of an earlier case's publishers, never deleted, stay on their node until the consent timeout.
     */
    static boolean hasMediaOf(TestServer node, String room) {
        return node.server().media().existing(java.util.UUID.fromString(room)).isPresent();
    }

    static HttpResponse<String> fromAPage(String method, URI uri, String sdp, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .header("Origin", "http://" + uri.getHost() + ":" + uri.getPort()); // what a browser adds
        if (sdp != null) {
            b.header("Content-Type", "application/sdp");
        }
        return STAYS.send(b.method(method, sdp == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(sdp))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPagesRequestsAreRelayedToTheOwnerInsteadOfRedirected() throws Exception {
        String room = n2.createRoom("whep from a page");
        String token = n2.token(room, "");
        try (JavaPeer publisher = new JavaPeer(); JavaPeer player = new JavaPeer()) {
            HttpResponse<String> published = post(STAYS, n2.uri("/whip/" + room), publisher.offer(true), token);
            assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
            publisher.connect(published.body());
            TestServer owner = cluster.node(cluster.owner(room));
            TestServer asked = owner == n3 ? n1 : n3;
            int before = owner.server().media().peerCount();

            // a page on the node asked cannot follow a 307 to another origin: that node relays its request
            HttpResponse<String> played = fromAPage("POST", asked.uri("/whep/" + room + "?width=640&height=480"), player.offer(false), token);
            assertThat(played.statusCode()).as(played.body()).isEqualTo(201);
            assertThat(played.body()).as("the owner's answer, with its media port")
                    .contains(" " + owner.server().media().existing(java.util.UUID.fromString(room)).orElseThrow().shard().port() + " typ host");
            String session = played.headers().firstValue("Location").orElseThrow();
            assertThat(session).startsWith("/whep/" + room + "/");
            assertThat(played.headers().firstValue("ETag")).isPresent();
            assertThat(played.headers().firstValue("Content-Type")).hasValue("application/sdp");
            assertThat(hasMediaOf(asked, room)).as("nothing of it on the node asked").isFalse();
            assertThat(owner.server().media().peerCount()).isEqualTo(before + 1);
            player.connect(played.body());
            hears(player, publisher);

            // errors come back as the owner gave them, and so does the session's end (the page DELETEs on its own origin)
            HttpResponse<String> refused = fromAPage("POST", asked.uri("/whep/" + room), "v=0", token);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("invalid_sdp");
            assertThat(delete(asked.uri(session), token)).as("a client that is not a page DELETEs on the owner").isEqualTo(404);
            assertThat(fromAPage("DELETE", asked.uri(session), null, token).statusCode()).isEqualTo(200);
            Waits.waitUntil(() -> owner.server().media().peerCount() == before, "the player's peer closed on the owner");
            assertThat(fromAPage("DELETE", asked.uri(session), null, token).statusCode()).isEqualTo(404);
            assertThat(delete(owner.uri(published.headers().firstValue("Location").orElseThrow()), token)).isEqualTo(200);
        }
    }

    /**
     * A WHIP request without {@code Origin} whose {@code Atrium-Relayed} header is no mark of this cluster (the old
     * {@code 1}, a mark signed with another secret, the cluster's mark made 65 s ago, a mark without nonce as versions
     * before nonces made) asked of a node that does not own the room gets what any client gets: {@code 307} to the
     * owner. A mark another node made now is answered where it lands, once: here {@code 403}, the token may not
     * publish; the same mark sent again (captured on the wire) gets the {@code 307} of any client.
     */
    @Test
    void aForgedRelayMarkGetsTheRedirectAnyClientGets() throws Exception {
        String room = n1.createRoom("forged mark");
        try (JavaPeer publisher = new JavaPeer()) {
            HttpResponse<String> published = post(FOLLOWS, n1.uri("/whip/" + room), publisher.offer(true), n1.token(room, ""));
            assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
            TestServer owner = cluster.node(cluster.owner(room));
            TestServer asked = owner == n3 ? n2 : n3;
            TestServer signer = asked == n3 ? n2 : n3; // another node that does not run the room either, or the owner
            String listener = n1.token(room, "\"grants\": {\"publish\": false}");
            String path = "/whip/" + room;
            RelayMark stale = new RelayMark(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-RelayMark.WINDOW_SECONDS - 5)));
            stale.use(cluster.redis().cli("GET", "atrium:cluster:relay-secret"));
            Map<String, String> forged = new LinkedHashMap<>();
            forged.put("the old mark", "1");
            forged.put("another secret's", new RelayMark(Clock.systemUTC()).sign("POST", path));
            forged.put("made 65 s ago", stale.sign("POST", path));
            String genuine = ClusterNodes.of(signer).relayMark().sign("POST", path);
            forged.put("an earlier version's, without nonce", RelayMarks.beforeNonces(stale.secret(), "POST", path, Instant.now().getEpochSecond()));
            for (Map.Entry<String, String> f : forged.entrySet()) {
                assertRedirectedToOwner(marked(asked.uri(path), f.getValue(), listener), f.getKey(), owner, path);
            }
            HttpResponse<String> here = marked(asked.uri(path), genuine, listener);
            assertThat(here.statusCode()).as("another node's mark: answered by the node asked " + here.body()).isEqualTo(403);
            assertThat(here.body()).contains("may not publish");
            assertRedirectedToOwner(marked(asked.uri(path), genuine, listener), "the same mark sent again", owner, path);
            assertThat(hasMediaOf(asked, room)).as("nothing of it on the node asked").isFalse();
        }
    }

    static void assertRedirectedToOwner(HttpResponse<String> answer, String what, TestServer owner, String path) {
        assertThat(answer.statusCode()).as(what + ": " + answer.body()).isEqualTo(307);
        assertThat(answer.headers().firstValue("Location")).as(what).hasValue("http://127.0.0.1:" + owner.server().httpPort() + path);
    }

    static HttpResponse<String> marked(URI uri, String mark, String token) throws Exception {
        return STAYS.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/sdp").header("Authorization", "Bearer " + token)
                .header(RelayMark.HEADER, mark).POST(HttpRequest.BodyPublishers.ofString("v=0")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutRedisAFirstPublishIsToldToComeBack() throws Exception {
        String room = n2.createRoom("no redis");
        String token = n2.token(room, "");
        try (JavaPeer publisher = new JavaPeer()) {
            String offer = publisher.offer(true);
            HttpResponse<String>[] answer = new HttpResponse[1];
            cluster.redis().restart(() -> {
                try {
                    answer[0] = post(STAYS, n2.uri("/whip/" + room), offer, token);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(answer[0].statusCode()).as(answer[0].body()).isEqualTo(503);
            assertThat(answer[0].headers().firstValue("Retry-After")).hasValue("2");
            assertThat(answer[0].body()).contains("\"code\":\"unavailable\"");
            assertThat(hasMediaOf(n2, room)).as("nothing of it on the node asked").isFalse();
            // in Redis itself: a node's own list is the one it read before the restart until it beats again
            Waits.waitUntil(() -> cluster.redis().cli("EXISTS", "atrium:node:n1", "atrium:node:n2", "atrium:node:n3").equals("3"),
                    "every node back in Redis after its restart", Duration.ofSeconds(20));
            HttpResponse<String> again = post(FOLLOWS, n2.uri("/whip/" + room), offer, token);
            assertThat(again.statusCode()).as("placement resumes: " + again.body()).isEqualTo(201);
            assertThat(cluster.owner(room)).isIn("n1", "n2", "n3");
        }
    }
}
