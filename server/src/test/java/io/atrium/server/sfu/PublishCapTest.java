package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import io.atrium.webrtc.rtcp.Remb;
import io.atrium.webrtc.rtcp.RtcpCompound;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code rooms.max_publish_kbps} reaches publishers as the REMB Atrium sends every second for their video: 4000 kbit/s
 * by default, the configured cap otherwise, naming the publisher's video SSRC. (Chromium lowering its sending rate
 * under it is {@code PublishCapBrowserTest}.)
 */
class PublishCapTest {

    @RegisterExtension
    final Closer open = new Closer();

    @Test
    void publishersAreToldTheRoomsCapByRemb() throws Exception {
        assertThat(rembOf(null)).as("default").isEqualTo(4_000_000);
        assertThat(rembOf(300)).as("rooms.max_publish_kbps: 300").isEqualTo(300_000);
    }

    /** The bitrate of the first REMB a publisher gets from a server with {@code maxPublishKbps}. */
    private long rembOf(Integer maxPublishKbps) throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-cap-"));
        TestServer server = open.track(TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(),
                c.auth(), new AtriumConfig.Rooms(null, null, null, null, null, null, null, null, null, null, null, maxPublishKbps))));
        String room = server.createRoom("capped");
        RpcClient rpc = open.track(RpcClient.connect(server));
        JavaPeer peer = open.track(new JavaPeer());
        peer.connect(rpc.call("join_room", Map.of("sdp", peer.offer(true), "auth_token",
                server.token(room, "\"identity\": \"ann\""), "video_muted", false)).get("sdp").asText());
        long[] remb = {-1};
        int[] seq = {0};
        Waits.waitUntil(() -> {
            peer.send(JavaPeer.VP8_PT, seq[0]++, seq[0] * 3000, JavaPeer.VIDEO_SSRC, new byte[] {0x10, 0, 0, 0});
            for (byte[] packet : peer.rtcp) {
                RtcpCompound compound = new RtcpCompound();
                Remb r = new Remb();
                if (!compound.wrap(packet, 0, packet.length)) {
                    continue;
                }
                while (compound.next()) {
                    if (r.wrap(packet, compound.packetOffset(), compound.packetLength())) {
                        assertThat(r.ssrcCount()).isEqualTo(1);
                        assertThat(r.ssrc(0)).as("the publisher's video").isEqualTo(JavaPeer.VIDEO_SSRC);
                        remb[0] = r.bitrate();
                        return true;
                    }
                }
            }
            Waits.sleep(20);
            return false;
        }, "a REMB to the publisher");
        return remb[0];
    }
}
