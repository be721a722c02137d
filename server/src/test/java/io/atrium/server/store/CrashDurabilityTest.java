package io.atrium.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atrium.server.testing.ChildServer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.Uploads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2xx means the write is on disk (docs/SECURITY.md, finding 7): a server process is killed with
 * SIGKILL right after a burst of acknowledged writes (rooms, users, chat messages, video file
 * metadata), started again over the same data directory, and must find every one of them.
 */
class CrashDurabilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int ROOMS = 30;
    private static final int USERS = 30;
    private static final int MESSAGES = 30;
    private static final int FILES = 10;

    @TempDir
    Path dataDir;

    @Test
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        Set<String> rooms = new HashSet<>();
        Set<String> users = new HashSet<>();
        Set<String> messages = new HashSet<>();
        Set<String> files = new HashSet<>();
        String chatRoom;
        try (ChildServer server = ChildServer.start(dataDir)) {
            chatRoom = post(server, "/v1/rooms", "{\"room\":{\"name\":\"chat\"}}", 201).at("/room/uuid").asText();
            String token = post(server, "/v1/tokens", "{\"room\":\"" + chatRoom + "\",\"admin\":true}", 201).get("token").asText();
            try (RpcClient rpc = new RpcClient(URI.create("ws://127.0.0.1:" + server.port() + "/v1/rtc"))) {
                rpc.call("watch_room", Map.of("auth_token", token));
                byte[] clip = Uploads.clip();
                for (int i = 0; i < USERS; i++) {
                    users.add(post(server, "/v1/users", "{\"user\":{\"username\":\"burst" + i + "\",\"password\":\"password-" + i
                            + "\"}}", 201).at("/user/uuid").asText());
                    messages.add(rpc.call("send_chat_message", Map.of("text", "message " + i)).at("/message/id").asText());
                    if (i % (USERS / FILES) == 0) {
                        files.add(Uploads.upload(server.uri("/"), ChildServer.BASIC, chatRoom, "clip-" + i + ".mp4", clip)
                                .get("file_id").asText());
                    }
                }
                // the last burst is fast (no password hashing), and the kill follows its last 201 at once
                for (int i = 0; i < ROOMS; i++) {
                    rooms.add(post(server, "/v1/rooms", "{\"room\":{\"name\":\"burst-" + i + "\"}}", 201).at("/room/uuid").asText());
                }
            }
            server.kill();
        }
        try (ChildServer again = ChildServer.start(dataDir)) {
            Set<String> roomsFound = uuids(get(again, "/v1/rooms").get("rooms"), "uuid");
            Set<String> usersFound = uuids(get(again, "/v1/users").get("users"), "uuid");
            Set<String> messagesFound = uuids(get(again, "/v1/rooms/" + chatRoom + "/chat?limit=200").get("messages"), "id");
            Set<String> filesFound = uuids(get(again, "/v1/rooms/" + chatRoom + "/files").get("files"), "file_id");
            long keptRooms = rooms.stream().filter(roomsFound::contains).count();
            long keptUsers = users.stream().filter(usersFound::contains).count();
            long keptMessages = messages.stream().filter(messagesFound::contains).count();
            long keptFiles = files.stream().filter(filesFound::contains).count();
            System.out.printf("after SIGKILL: rooms %d of %d, users %d of %d, chat messages %d of %d, files %d of %d kept%n",
                    keptRooms, rooms.size(), keptUsers, users.size(), keptMessages, messages.size(), keptFiles, files.size());
            assertThat(keptRooms).as("rooms kept").isEqualTo(ROOMS);
            assertThat(keptUsers).as("users kept").isEqualTo(USERS);
            assertThat(keptMessages).as("chat messages kept").isEqualTo(MESSAGES);
            assertThat(keptFiles).as("video files kept").isEqualTo(FILES);
            // a file's bytes are there too, not only its row
            String someFile = files.iterator().next();
            HttpResponse<byte[]> described = HTTP.send(request(again, "/v1/rooms/" + chatRoom + "/files/" + someFile).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            String url = JSON.readTree(described.body()).path("file").path("url").asText(JSON.readTree(described.body()).path("url").asText());
            HttpResponse<byte[]> bytes = HTTP.send(HttpRequest.newBuilder(url.startsWith("http") ? URI.create(url) : again.uri(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(bytes.statusCode()).isEqualTo(200);
            assertThat(bytes.body()).isEqualTo(Uploads.clip());
        }
    }

    private static Set<String> uuids(JsonNode list, String field) {
        Set<String> found = new HashSet<>();
        list.forEach(n -> found.add(n.get(field).asText()));
        return found;
    }

    private static HttpRequest.Builder request(ChildServer server, String path) {
        return HttpRequest.newBuilder(server.uri(path)).header("Authorization", ChildServer.BASIC);
    }

    private static JsonNode get(ChildServer server, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(request(server, path).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static JsonNode post(ChildServer server, String path, String body, int expected) throws Exception {
        HttpResponse<String> r = HTTP.send(request(server, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(expected);
        return JSON.readTree(r.body());
    }
}
