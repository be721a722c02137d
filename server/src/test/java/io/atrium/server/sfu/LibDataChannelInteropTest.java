package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.ExternalPeer;
import io.atrium.server.testing.NodeClients;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * libdatachannel (npm {@code node-datachannel}, the WebRTC stack of OBS Studio's WHIP output) publishes
 * H.264 and Opus over WHIP the way OBS does (libdatachannel's own H.264 packetizer, sender reports, NACK
 * responder); werift (npm, WebRTC in TypeScript) and GStreamer play it over WHEP. The harness scripts are
 * {@code src/test/resources/interop/node/ndc_whip.mjs}, {@code werift_whep.mjs} and {@code gst_client.py};
 * the npm packages come from the committed lockfile ({@link NodeClients}). The room's media stats must show
 * the 320x240 size from the H.264 SPS; werift must receive complete frames and audio, GStreamer decode them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LibDataChannelInteropTest {
    private static final int PUBLISH_SECONDS = 24;
    private static final int PLAY_SECONDS = 10;

    TestServer server;
    Path node;

    @BeforeAll
    void start() {
        node = NodeClients.install();
        server = TestServer.start(Db.H2);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void obsStylePublisherIsPlayedByWeriftAndGStreamer() {
        String room = server.createRoom("libdatachannel");
        try (ExternalPeer publisher = ExternalPeer.start("ndc-publish-h264", List.of("node", "ndc_whip.mjs",
                server.uri("/whip/" + room).toString(), server.token(room, ""), Integer.toString(PUBLISH_SECONDS)), node)) {
            assertThat(publisher.await("answer", Interop.CONNECT).path("offer_codecs").toString()).contains("H264", "opus");
            publisher.awaitState("connected", Interop.CONNECT);
            Interop.waitForSize320x240(server, room, "H264");
            try (ExternalPeer werift = ExternalPeer.start("werift-play-h264", List.of("node", "werift_whep.mjs",
                    server.uri("/whep/" + room).toString(), server.token(room, ""), "h264", Integer.toString(PLAY_SECONDS)), node);
                 ExternalPeer gst = Interop.python("gst-play-ndc-h264", "gst_client.py", "play",
                         server.uri("/whep/" + room).toString(), server.token(room, ""), "h264", Integer.toString(PLAY_SECONDS))) {
                Interop.assertPlayed(werift, PLAY_SECONDS, 3);
                Interop.assertPlayed(gst, PLAY_SECONDS, 3);
            }
            Interop.assertPublishedToTheEnd(publisher, PUBLISH_SECONDS);
        }
    }
}
