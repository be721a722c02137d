package io.atrium.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.store.WebhookOutbox;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.Scrapes;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.Uploads;
import io.atrium.server.testing.Waits;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.WebhookReceiver;
import io.atrium.server.testing.WebhookReceiver.Delivery;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Webhooks end to end, on H2 and on PostgreSQL: a real room (a member publishing audio and video from a
 * Java WebRTC peer, a guest in the waiting room, the member leaving) and a file upload produce signed
 * events at three endpoints of a local receiver: one that accepts, one that fails once per event
 * before accepting (retries keep the id), and one that is down (it never delays the others, and its
 * events are given up after max_attempts).
 */
class WebhookDeliveryTest {

    @RegisterExtension
    final Closer open = new Closer();

    @ParameterizedTest(name = "{0}")
    @EnumSource(Db.class)
    void roomAndFileEventsArriveSignedInOrderPerEndpoint(Db db) throws Exception {
        WebhookReceiver receiver = open.track(new WebhookReceiver()
                .on("/flaky", (id, attempt) -> attempt < 2 ? 500 : 200)
                .on("/down", (id, attempt) -> 503));
        AtriumConfig base = TestServer.config(db, Files.createTempDirectory("atrium-webhooks-"));
        // the Java peer sends no media: a long media timeout keeps its member in the room however slow the machine
        AtriumConfig c = Scrapes.withToken(new AtriumConfig(false, base.dataDir(), base.http(), base.rtc(), base.database(), base.auth(),
                new AtriumConfig.Rooms(600, 2, 65_536, 50)))
                .withWebhooks(new AtriumConfig.Webhooks(List.of(receiver.url("/ok"), receiver.url("/flaky"), receiver.url("/down")),
                        WebhookReceiver.SECRET, 5, 2, 1, 1, 4, null));
        TestServer server = open.track(TestServer.start(c));
        String ada = server.createUser("ada");
        String room = server.post("/v1/rooms", """
                {"room": {"name": "hooks", "members": [{"user_id": "%s", "admin": true}]}}""".formatted(ada))
                .json().at("/room/uuid").asText();

        RpcClient member = open.track(RpcClient.connect(server));
        String token = member.call("authenticate", Map.of("room", room, "call_id", "ada-1", "username", "ada",
                "password", "password-ada")).get("auth_token").asText();
        JavaPeer peer = open.track(new JavaPeer());
        peer.connect(member.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token,
                "audio_muted", false, "video_muted", false)).get("sdp").asText());
        RpcClient guest = open.track(RpcClient.connect(server));
        assertThat(guest.request("authenticate", Map.of("room", room, "call_id", "guest-1", "display_name", "Gus"))
                .at("/error/code").asInt()).isEqualTo(403); // waiting
        member.await("member_waiting");
        member.call("leave_room", Map.of());
        JsonNode file = Uploads.upload(server.uri("/"), TestServer.BASIC, room, "clip.mp4", Uploads.clip());

        // the room ends on its next tick after the last member left, so file.ready may come before room.ended
        List<String> roomEvents = List.of("room.started", "member.joined", "track.published", "track.published", "member.waiting",
                "track.unpublished", "track.unpublished", "member.left", "room.ended");
        List<String> expected = new java.util.ArrayList<>(roomEvents);
        expected.add("file.ready");
        Waits.waitUntil(() -> receiver.at("/ok").size() >= expected.size() && receiver.at("/flaky").size() >= expected.size(),
                "every event at /ok and /flaky", Duration.ofSeconds(60));
        List<Delivery> ok = receiver.at("/ok");
        assertThat(ok).extracting(Delivery::type).filteredOn(t -> !t.equals("file.ready")).containsExactlyElementsOf(roomEvents);
        assertThat(ok).hasSize(expected.size());
        assertThat(ok).allSatisfy(d -> assertThat(d.data().get("room").asText()).isEqualTo(room));
        assertThat(ok.get(1).data().get("identity").asText()).isEqualTo("ada-1");
        assertThat(ok.get(1).data().get("kind").asText()).isEqualTo("webrtc");
        assertThat(ok.subList(2, 4)).extracting(d -> d.data().get("kind").asText()).containsExactlyInAnyOrder("audio", "video");
        assertThat(ok.get(4).data().get("identity").asText()).isEqualTo("guest-1");
        assertThat(ok.get(4).data().get("name").asText()).isEqualTo("Gus");
        assertThat(ok).filteredOn(d -> d.type().equals("file.ready")).singleElement()
                .satisfies(d -> assertThat(d.data().get("file_id").asText()).isEqualTo(file.get("file_id").asText()));
        assertThat(ok).extracting(Delivery::id).doesNotHaveDuplicates();
        // the flaky endpoint got the same messages (same ids, same order), each accepted on its second (last) attempt
        assertThat(receiver.at("/flaky")).extracting(Delivery::id).containsExactlyElementsOf(ok.stream().map(Delivery::id).toList());
        assertThat(receiver.badSignatures).hasValue(0);
        // the endpoint that is down held nobody up; its events are retried, then given up and kept
        WebhookOutbox outbox = new WebhookOutbox(server.server().database().jdbc());
        Waits.waitUntil(() -> outbox.count(true) >= 1, "an event to /down given up", Duration.ofSeconds(30));
        assertThat(receiver.at("/down")).isEmpty();
        // what /ok and /flaky accepted leaves the outbox once their answers are back (the receiver counts a delivery
        // when it answers, the server deletes the row when it reads that answer): then only /down's rows remain
        java.util.function.Supplier<List<String>> outboxRows = () -> server.server().database().jdbc().inTransaction(tx -> tx.query(
                "select endpoint, event_id, attempts, dead, last_error from webhook_outbox order by seq",
                rs -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getInt(3) + " " + rs.getBoolean(4) + " " + rs.getString(5)));
        Waits.waitUntil(() -> outboxRows.get().stream().allMatch(row -> row.startsWith(receiver.url("/down"))),
                "only /down's rows left in the outbox", Duration.ofSeconds(30));
        assertThat(outboxRows.get()).as("now at /ok: %s", receiver.at("/ok").stream().map(d -> d.id() + " " + d.body()).toList())
                .isNotEmpty().allSatisfy(row -> assertThat(row).startsWith(receiver.url("/down")));

        // on /metrics, once /down's last attempts are over: 2 x 10 delivered, flaky's failure per event and
        // /down's first attempts retried, /down's 10 given up and kept dead in the outbox, nothing pending
        int events = expected.size();
        Waits.waitUntil(() -> Scrapes.value(Scrapes.scrape(server), "atrium_webhook_attempts_total{result=\"given_up\"}") == events,
                "every event to /down given up", Duration.ofSeconds(60));
        String metrics = Scrapes.scrape(server);
        assertThat(Scrapes.value(metrics, "atrium_webhook_attempts_total{result=\"delivered\"}")).isEqualTo(2 * events);
        assertThat(Scrapes.value(metrics, "atrium_webhook_attempts_total{result=\"retry\"}")).isEqualTo(2 * events);
        assertThat(Scrapes.value(metrics, "atrium_webhook_outbox_events{state=\"dead\"}")).isEqualTo(events);
        assertThat(Scrapes.value(metrics, "atrium_webhook_outbox_events{state=\"pending\"}")).isZero();
    }
}
