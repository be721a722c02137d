package io.atrium.server.sfu;

import static io.atrium.server.testing.Waits.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.TestServer.Response;
import io.atrium.webrtc.peer.PeerSettings;
import io.atrium.webrtc.peer.PeerState;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Peers are torn down cleanly when they leave, close DTLS, never connect, or stop ICE consent. */
class PeerLifecycleTest {

    TestServer server;
    String room;

    @BeforeEach
    void start() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-lifecycle-"));
        server = TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(), new AtriumConfig.Rtc(0, null, 2, 2),
                c.database(), c.auth()));
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

    private boolean noNackTick() {
        return server.server().media().shards().stream().noneMatch(Sfu::nackTicking);
    }
}
