package io.atrium.server.sfu;

import static io.atrium.server.testing.Waits.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.auth.Grants;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.room.MediaDoor;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.TestServer.Response;
import io.atrium.server.transport.PeerOwner;
import io.atrium.webrtc.peer.PeerSettings;
import io.atrium.webrtc.peer.PeerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Peers are torn down cleanly when they leave, close DTLS, never connect, or stop ICE consent. */
class PeerLifecycleTest {

    TestServer server;
    String room;
    AtriumConfig config;

    @BeforeEach
    void start() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-lifecycle-"));
        config = new AtriumConfig(false, c.dataDir(), c.http(), new AtriumConfig.Rtc(0, null, 2, 2), c.database(), c.auth());
        server = TestServer.start(config);
        room = server.createRoom("lifecycle");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String negotiate(String kind, String offer) {
        Response r = server.send("POST", "/" + kind + "/" + room, offer, "application/sdp", "Bearer " + server.token(room, ""));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.body();
    }

    boolean roomMediaGone() {
        return server.server().media().existing(UUID.fromString(room)).isEmpty();
    }

    @Test
    void closeNotifyRemovesThePeerAndItsForwarders() {
        try (JavaPeer publisher = new JavaPeer(); JavaPeer subscriber = new JavaPeer()) {
            publisher.connect(negotiate("whip", publisher.offer(true)));
            subscriber.connect(negotiate("whep", subscriber.offer(false)));
            waitUntil(() -> server.get("/v1/rooms/" + room + "/media").json().at("/media/subscribers/0/streams").size() == 2,
                    "two forwarded streams");
            publisher.close();
            waitUntil(() -> server.get("/v1/rooms/" + room + "/media").json().at("/media/publishers").isEmpty(), "publisher gone");
            assertThat(server.get("/v1/rooms/" + room + "/media").json().at("/media/subscribers/0/streams")).isEmpty();
            subscriber.close();
            waitUntil(this::roomMediaGone, "the room's router removed");
            assertThat(server.server().media().peerCount()).isZero();
        }
    }

    @Test
    void aPeerThatNeverConnectsIsDropped() {
        try (JavaPeer ghost = new JavaPeer()) {
            negotiate("whip", ghost.offer(true));
            assertThat(server.server().media().peerCount()).isEqualTo(1);
            waitUntil(() -> server.server().media().peerCount() == 0, "the connect timeout");
            waitUntil(this::roomMediaGone, "the room's router removed");
        }
    }

    @Test
    void aPeerWhoseConsentStopsIsDroppedAndTold() {
        PeerSettings silent = PeerSettings.defaults().withConsent(Duration.ofSeconds(60), Duration.ofSeconds(120));
        try (JavaPeer quiet = new JavaPeer(silent)) {
            quiet.connect(negotiate("whip", quiet.offer(true)));
            assertThat(server.server().media().peerCount()).isEqualTo(1);
            waitUntil(() -> server.server().media().peerCount() == 0, "ICE consent to expire");
            waitUntil(() -> quiet.peer().state() == PeerState.CLOSED || quiet.peer().state() == PeerState.FAILED,
                    "the client to hear close_notify");
        }
    }

    /**
     * Issue 22: libnice (GStreamer) stops Binding requests once connected and keeps the path with media and
     * Binding indications; the server's consent timeout here is 2 s, and each peer outlives it three times.
     */
    @Test
    void aPeerSendingMediaButNoConsentChecksStaysConnected() throws Exception {
        PeerSettings silent = PeerSettings.defaults().withConsent(Duration.ofSeconds(60), Duration.ofSeconds(120));
        try (JavaPeer media = new JavaPeer(silent); JavaPeer keepalive = new JavaPeer(silent)) {
            media.connect(negotiate("whip", media.offer(true)));
            keepalive.connect(negotiate("whip", keepalive.offer(true)));
            long end = System.nanoTime() + Duration.ofSeconds(7).toNanos();
            for (int i = 0; System.nanoTime() < end && i < 1000; i++) {
                media.sendAudio(i, i * 960, 60, new byte[] {1, 2, 3});
                if (i % 5 == 0) {
                    keepalive.sendBindingIndication();
                }
                Thread.sleep(100);
            }
            assertThat(server.server().media().peerCount()).as("both peers outlived the 2 s consent timeout").isEqualTo(2);
            assertThat(media.peer().state()).isEqualTo(PeerState.CONNECTED);
            assertThat(keepalive.peer().state()).isEqualTo(PeerState.CONNECTED);
            waitUntil(() -> server.server().media().peerCount() == 0, "consent to expire once both fall silent");
        }
    }

    /** Sfu.join while the server stops: a clear 503, and no router or reservation left for the room. */
    @Test
    void anOfferMeetingStoppedMediaIsRefusedAsUnavailableWithNothingLeft() {
        server.server().media().close(); // the media threads stop first, as when the server is stopping
        try (JavaPeer late = new JavaPeer()) {
            Response r = server.send("POST", "/whip/" + room, late.offer(true), "application/sdp", "Bearer " + server.token(room, ""));
            assertThat(r.status()).as(r.body()).isEqualTo(503);
            assertThat(r.json().at("/error/code").asText()).isEqualTo("unavailable");
            assertThat(r.json().at("/error/message").asText()).isEqualTo("the server is stopping");
        }
        assertThat(roomMediaGone()).as("no router left for the room").isTrue();
        assertThat(server.server().media().roomCount()).isZero();
        assertThat(server.server().media().peerCount()).isZero();
    }

    /** The same over the room protocol: {@code join_room} while the media stops is a 503 error, and nothing stays. */
    @Test
    void aJoinRoomMeetingStoppedMediaIsAnUnavailableErrorWithNothingLeft() {
        server.server().media().close();
        try (RpcClient rpc = RpcClient.connect(server); JavaPeer late = new JavaPeer()) {
            String token = server.token(room, "\"identity\": \"late\"");
            JsonNode refused = rpc.request("join_room", Map.of("sdp", late.offer(true), "auth_token", token));
            assertThat(refused.at("/error/code").asInt()).as(refused.toString()).isEqualTo(503);
            assertThat(refused.at("/error/message").asText()).as(refused.toString()).isEqualTo("the server is stopping");
        }
        assertThat(roomMediaGone()).as("no router left for the room").isTrue();
        assertThat(server.server().media().peerCount()).isZero();
    }

    /** The only peer of a room refused (bad SDP; WHEP with nothing published): its router goes, and the NACK tick stops. */
    @Test
    void aRefusedOfferLeavesNoRouterAndNoNackTick() {
        Response bad = server.send("POST", "/whip/" + room, "v=0\r\nthis is not an offer\r\n", "application/sdp",
                "Bearer " + server.token(room, ""));
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        waitUntil(() -> roomMediaGone() && noNackTick(), "the refused offer's router dropped and the NACK tick stopped");
        try (JavaPeer viewer = new JavaPeer()) {
            Response nothing = server.send("POST", "/whep/" + room, viewer.offer(false), "application/sdp",
                    "Bearer " + server.token(room, ""));
            assertThat(nothing.status()).as(nothing.body()).isEqualTo(404);
        }
        waitUntil(() -> roomMediaGone() && noNackTick() && server.server().media().peerCount() == 0,
                "the refused subscriber's router and peer dropped and the NACK tick stopped");
    }

    /**
     * Every other media call while the server stops (docs/MEDIA.md): one that needs an answer is a clear 503 (the
     * room's media stats, starting a recording: no recording left; the metrics' quality snapshot fails), a clean-up is
     * never refused (untap runs its callback; the reservation's release drops the router).
     */
    @Test
    void everyMediaCallMeetingStoppedMediaIsRefusedAsUnavailableOrCleansUp() throws Exception {
        Shards media = server.server().media();
        Router held = media.join(UUID.fromString(room)); // a router exists when the media stops
        media.close();
        Response stats = server.get("/v1/rooms/" + room + "/media");
        assertThat(stats.status()).as(stats.body()).isEqualTo(503);
        assertThat(stats.json().at("/error/code").asText()).isEqualTo("unavailable");
        assertThat(stats.json().at("/error/message").asText()).isEqualTo("the server is stopping");
        Response recording = server.post("/v1/rooms/" + room + "/recordings", "");
        assertThat(recording.status()).as(recording.body()).isEqualTo(503);
        assertThat(recording.json().at("/error/message").asText()).isEqualTo("the server is stopping");
        assertThat(server.get("/v1/rooms/" + room + "/recordings").json().at("/recordings")).as("no recording left").isEmpty();
        assertThatThrownBy(() -> media.quality().join()).hasCauseInstanceOf(MediaLimitException.class);
        CompletableFuture<Void> untapped = new CompletableFuture<>();
        media.untap(UUID.fromString(room), track -> null, () -> untapped.complete(null));
        untapped.get(10, TimeUnit.SECONDS);
        held.release();
        assertThat(roomMediaGone()).as("no router left for the room").isTrue();
    }

    /**
     * A recording refused because one shard stops after the room's shard took its tap (which opened the room's track
     * files) leaves no files: the recording's directory goes once they are closed.
     */
    @Test
    void aRecordingRefusedByAStoppingShardLeavesNoTrackFiles() throws Exception {
        Shards media = server.server().media();
        assertThat(media.shards()).as("two shards").hasSizeGreaterThanOrEqualTo(2);
        try (JavaPeer publisher = new JavaPeer()) {
            publisher.connect(negotiate("whip", publisher.offer(true)));
            waitUntil(() -> server.get("/v1/rooms/" + room + "/media").json().at("/media/publishers/0/tracks").size() == 2,
                    "the publisher's two tracks");
            assertThat(media.shards().get(0).existing(UUID.fromString(room))).as("the room on the first shard").isPresent();
            media.shards().get(media.shards().size() - 1).transport().close(); // the last shard stops, the room's does not
            Response recording = server.post("/v1/rooms/" + room + "/recordings", "");
            assertThat(recording.status()).as(recording.body()).isEqualTo(503);
            assertThat(server.get("/v1/rooms/" + room + "/recordings").json().at("/recordings")).as("no recording left").isEmpty();
            Path recordings = config.dataPath().resolve("recordings");
            waitUntil(() -> {
                try (var dirs = Files.list(recordings)) {
                    return dirs.findAny().isEmpty();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "the refused recording's directory and track files gone");
        }
    }

    /** The media stops between an offer's reservation and its attach: 503, and no router, reservation or peer left. */
    @Test
    void anAttachMeetingStoppedMediaIsRefusedAsUnavailableWithNothingLeft() {
        MediaDoor door = new MediaDoor(server.server().media());
        try (JavaPeer late = new JavaPeer()) {
            MediaDoor.Entry<TrackInfo> entry = door.publish(UUID.fromString(room), late.offer(true), null,
                    new PeerOwner("late", "127.0.0.1"), Grants.participant());
            server.server().media().close();
            assertThatThrownBy(() -> door.attachPublisher(entry)).isInstanceOfSatisfying(MediaLimitException.class,
                    e -> assertThat(e.status()).isEqualTo(503));
            assertThat(entry.peer().isClosed()).isTrue();
        }
        assertThat(roomMediaGone()).as("no router left for the room").isTrue();
        assertThat(server.server().media().peerCount()).isZero();
    }

    /**
     * A peer closed before its attach task ran (its close went to the listener it had then): the task gives its
     * reservation back through the release path, so the router it leaves empty goes with its NACK tick; for a WebRTC
     * publisher, an in-process publisher (a phone's voice) and an in-process subscriber (a room's audio bridge).
     */
    @Test
    void aPeerClosedBeforeItsAttachLeavesNoRouterAndNoNackTick() throws Exception {
        UUID id = UUID.fromString(room);
        MediaDoor door = new MediaDoor(server.server().media());
        try (JavaPeer gone = new JavaPeer()) {
            MediaDoor.Entry<TrackInfo> entry = door.publish(id, gone.offer(true), null, new PeerOwner("gone", "127.0.0.1"),
                    Grants.participant());
            entry.peer().close("gone before attached");
            CompletableFuture<List<Receiver>> tracks = new CompletableFuture<>();
            door.attachPublisher(entry, Runnable::run, tracks::complete);
            assertThat(tracks.get(10, TimeUnit.SECONDS)).isEmpty();
        }
        waitUntil(() -> roomMediaGone() && noNackTick(), "the closed publisher's router dropped and the NACK tick stopped");

        LocalPeer voice = new LocalPeer("sip-gone", null);
        voice.close();
        TrackInfo info = new TrackInfo("sip-gone-audio", MediaKind.AUDIO, "0", "opus", 48_000, 111, -1, List.of(),
                List.of(1234L), List.of(), 0, 0, 0, 1, 0);
        CompletableFuture<List<Receiver>> voiced = new CompletableFuture<>();
        server.server().media().join(id).addLocalPublisher(voice, List.of(info), Runnable::run, voiced::complete);
        assertThat(voiced.get(10, TimeUnit.SECONDS)).isEmpty();
        waitUntil(() -> roomMediaGone() && noNackTick(), "the closed local publisher's router dropped and the NACK tick stopped");

        LocalPeer tap = new LocalPeer("sip-tap-gone", (buf, off, len) -> { });
        tap.close();
        server.server().media().join(id).subscribeLocal(tap, List.of());
        waitUntil(() -> roomMediaGone() && noNackTick(), "the closed local subscriber's router dropped and the NACK tick stopped");
    }

    private boolean noNackTick() {
        return server.server().media().shards().stream().noneMatch(Sfu::nackTicking);
    }
}
