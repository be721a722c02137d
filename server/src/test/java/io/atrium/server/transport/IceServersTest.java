package io.atrium.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.auth.TurnCredentials;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ICE servers Atrium hands out: minted REST credentials in the authenticate, join_room and
 * subscribe_room results, and RFC 9725 §4.6 {@code Link} headers on WHIP/WHEP answers.
 */
class IceServersTest {

    static final String SECRET = "coturn-static-auth-secret";
    static final String TURN = "turn:turn.example.com:3478?transport=udp";
    static final String TURNS = "turns:turn.example.com:5349?transport=tcp";
    static final String STUN = "stun:stun.example.com:3478";

    @Test
    void credentialsAreTheRestSchemeCoturnChecks() {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
        var turn = new TurnCredentials(new AtriumConfig.Turn(List.of(STUN, TURN), SECRET, 3600L), clock);
        var servers = turn.iceServers("ann:1 \"x\"");
        assertThat(servers).hasSize(2);
        assertThat(servers.get(0).urls()).containsExactly(STUN);
        assertThat(servers.get(0).username()).isNull();
        assertThat(servers.get(1).username()).isEqualTo("1700003600:ann_1__x_");
        // echo -n '1700003600:ann_1__x_' | openssl dgst -sha1 -hmac coturn-static-auth-secret -binary | base64
        assertThat(servers.get(1).credential()).isEqualTo("tXosqO8MPj8YDkI0rtv06KGK8iY=");
        assertThat(turn.linkHeaders("ann")).containsExactly("<" + STUN + ">; rel=\"ice-server\"",
                "<" + TURN + ">; rel=\"ice-server\"; username=\"1700003600:ann\"; credential=\""
                        + TurnCredentials.password(SECRET, "1700003600:ann") + "\"; credential-type=\"password\"");
        assertThat(new TurnCredentials(new AtriumConfig.Turn(null, null, null), clock).iceServers("x")).isEmpty();
    }

    @Test
    void signalingResultsAndWhipAnswersCarryTheIceServers() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-ice-servers-"));
        try (TestServer server = TestServer.start(c.withTurn(new AtriumConfig.Turn(List.of(TURN, TURNS), SECRET, 600L)));
             RpcClient rpc = RpcClient.connect(server); JavaPeer publisher = new JavaPeer(); JavaPeer player = new JavaPeer()) {
            String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"ice\",\"open\":true}}").json().at("/room/uuid").asText();
            JsonNode auth = rpc.call("authenticate", Map.of("room", room, "call_id", "ann", "display_name", "Ann"));
            assertRestCredentials(auth.get("ice_servers"), "ann");
            JsonNode joined = rpc.call("join_room", Map.of("sdp", publisher.offer(true), "auth_token", auth.get("auth_token").asText()));
            assertRestCredentials(joined.get("ice_servers"), "ann");

            String token = server.token(room, "\"identity\": \"obs-1\"");
            var whip = server.send("POST", "/whip/" + room, player.offer(true), "application/sdp", "Bearer " + token);
            assertThat(whip.status()).isEqualTo(201);
            List<String> links = whip.raw().headers().allValues("Link");
            assertThat(links).hasSize(2);
            assertThat(links.get(0)).startsWith("<" + TURN + ">; rel=\"ice-server\"; username=\"").contains(":obs-1\"")
                    .endsWith("; credential-type=\"password\"");
            assertThat(links.get(1)).startsWith("<" + TURNS + ">; rel=\"ice-server\"");
            String username = links.get(0).replaceAll(".*username=\"([^\"]+)\".*", "$1");
            assertThat(links.get(0)).contains("credential=\"" + TurnCredentials.password(SECRET, username) + "\"");
        }
    }

    static void assertRestCredentials(JsonNode servers, String identity) {
        assertThat(servers).hasSize(1);
        JsonNode s = servers.get(0);
        assertThat(s.get("urls").toString()).isEqualTo("[\"" + TURN + "\",\"" + TURNS + "\"]");
        String username = s.get("username").asText();
        assertThat(username).endsWith(":" + identity);
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        assertThat(expiry - Instant.now().getEpochSecond()).isBetween(590L, 610L);
        assertThat(s.get("credential").asText()).isEqualTo(TurnCredentials.password(SECRET, username));
    }
}
