package io.atrium.server.signal;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RoomProtocolSmokeTest {

    @Test
    void authenticateInAnOpenRoom() {
        try (TestServer server = TestServer.start(Db.H2)) {
            String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"open\",\"open\":true}}").json().at("/room/uuid").asText();
            try (RpcClient c = RpcClient.connect(server)) {
                var r = c.call("authenticate", Map.of("room", room, "call_id", UUID.randomUUID().toString(), "display_name", "Ann"));
                assertThat(r.get("auth_token").asText()).isNotBlank();
                assertThat(c.call("get_room_members", Map.of())).isEmpty();
            }
        }
    }
}
