package io.atrium.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import io.atrium.server.testing.WebhookReceiver;
import io.atrium.server.testing.WebhookReceiver.Delivery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /v1/rooms/{uuid}/recordings} on PostgreSQL: every documented error (unknown room 404, path not a UUID
 * 400, unknown body field 400, a second start 409, stopping twice 409, deleting while recording 409, another
 * room's recording 404, no credentials 401), a recording's life (recording → finishing → failed with "no track
 * was recorded" when nobody published) with its webhooks in order, a second recording after the first, delete; the
 * track directories of recordings deleted meanwhile (by another node, or while this one was down) swept away.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordingsApiTest {

    TestServer server;
    WebhookReceiver hooks;
    @BeforeAll
    void start() throws java.io.IOException {
        hooks = new WebhookReceiver();
        server = TestServer.start(TestServer.config(Db.POSTGRES, java.nio.file.Files.createTempDirectory("atrium-rec-")).withWebhooks(new AtriumConfig.Webhooks(
                List.of(hooks.url("/hook")), WebhookReceiver.SECRET, 5, 3, 1, 1, 4, null)));
    }

    @AfterAll
    void stop() {
        server.close();
        hooks.close();
    }

    private String path(String room) {
        return "/v1/rooms/" + room + "/recordings";
    }

    private static void assertError(TestServer.Response r, int status, String code, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().at("/error/code").asText()).isEqualTo(code);
        assertThat(r.json().at("/error/message").asText()).contains(message);
    }

    @Test
    void badRequestsGetClearErrors() {
        String room = server.createRoom("errors");
        String unknown = UUID.randomUUID().toString();
        assertError(server.post(path(unknown), ""), 404, "not_found", "no room " + unknown);
        assertError(server.get(path(unknown)), 404, "not_found", "no room");
        assertError(server.post("/v1/rooms/not-a-room/recordings", ""), 400, "invalid_field", "is not a UUID");
        assertError(server.post(path(room), "{\"format\": \"avi\"}"), 400, "invalid_field", "format");
        assertError(server.get(path(room) + "/" + unknown), 404, "not_found", "no recording " + unknown);
        assertError(server.post(path(room) + "/" + unknown + "/stop", ""), 404, "not_found", "no recording");
        assertError(server.delete(path(room) + "/" + unknown), 404, "not_found", "no recording");
        assertThat(server.send("POST", path(room), "", null).status()).isEqualTo(401);

        String id = server.post(path(room), "{}").json().at("/recording/recording_id").asText();
        try {
            assertError(server.post(path(room), ""), 409, "conflict", "already being recorded");
            assertError(server.delete(path(room) + "/" + id), 409, "conflict", "is recording");
            String other = server.createRoom("other");
            assertError(server.get(path(other) + "/" + id), 404, "not_found", "no recording");
            assertError(server.post(path(other) + "/" + id + "/stop", ""), 404, "not_found", "no recording");
        } finally {
            assertThat(server.post(path(room) + "/" + id + "/stop", "").status()).isEqualTo(200);
        }
        assertError(server.post(path(room) + "/" + id + "/stop", ""), 409, "conflict", "already stopped");
    }

    @Test
    void aRecordingWithoutTracksEndsFailedWithItsWebhooksAndCanBeDeleted() {
        String room = server.createRoom("empty");
        var started = server.post(path(room), "");
        assertThat(started.status()).isEqualTo(201);
        JsonNode rec = started.json().get("recording");
        String id = rec.path("recording_id").asText();
        assertThat(rec.path("state").asText()).isEqualTo("recording");
        assertThat(rec.path("room").asText()).isEqualTo(room);
        assertThat(rec.path("stopped_at").isNull()).isTrue();
        assertThat(server.get(path(room)).json().at("/recordings/0/recording_id").asText()).isEqualTo(id);

        JsonNode stopped = server.post(path(room) + "/" + id + "/stop", "").json().get("recording");
        assertThat(stopped.path("state").asText()).isEqualTo("finishing");
        assertThat(stopped.path("stopped_at").asText()).isNotEmpty();
        Waits.waitUntil(() -> !server.get(path(room) + "/" + id).json().at("/recording/state").asText().equals("finishing"),
                "finished");
        JsonNode done = server.get(path(room) + "/" + id).json().get("recording");
        assertThat(done.path("state").asText()).isEqualTo("failed");
        assertThat(done.path("error").asText()).isEqualTo("no track was recorded");
        assertThat(done.path("files")).isEmpty();

        String second = server.post(path(room), "").json().at("/recording/recording_id").asText();
        assertThat(second).isNotEqualTo(id);
        server.post(path(room) + "/" + second + "/stop", "");
        assertThat(server.get(path(room)).json().get("recordings")).hasSize(2);

        Waits.waitUntil(() -> hooks.at("/hook").stream().filter(d -> d.data().path("recording_id").asText().equals(id)).count() == 3,
                "three webhooks of the first recording");
        assertThat(hooks.at("/hook").stream().filter(d -> d.data().path("recording_id").asText().equals(id)).map(Delivery::type))
                .containsExactly("recording.started", "recording.stopped", "recording.failed");

        assertThat(server.delete(path(room) + "/" + id).status()).isEqualTo(204);
        assertThat(server.get(path(room) + "/" + id).status()).isEqualTo(404);
        assertThat(server.get(path(room)).json().get("recordings")).hasSize(1);
    }

    @Test
    void theTrackFilesOfRecordingsDeletedMeanwhileAreRemovedAtStartAndByTheSweep() throws IOException {
        Path recordings = server.config().dataPath().resolve("recordings");
        Path deletedWhileDown = trackDirectory(recordings, UUID.randomUUID());
        Path notARecording = Files.createDirectories(recordings.resolve("notes"));
        server.restart();
        assertThat(deletedWhileDown).doesNotExist();
        assertThat(notARecording).isDirectory();

        String room = server.createRoom("sweep");
        String id = server.post(path(room), "{}").json().at("/recording/recording_id").asText();
        try {
            Path deletedElsewhere = trackDirectory(recordings, UUID.randomUUID());
            server.server().recordings().sweepDeleted();
            assertThat(deletedElsewhere).doesNotExist();
            assertThat(recordings.resolve(id)).as("the directory of the recording being made").isDirectory();
        } finally {
            assertThat(server.post(path(room) + "/" + id + "/stop", "").status()).isEqualTo(200);
        }
    }

    /** A recording's track directory as a node leaves it, with one track file, for a recording with no row. */
    private static Path trackDirectory(Path recordings, UUID id) throws IOException {
        Path dir = Files.createDirectories(recordings.resolve(id.toString()));
        Files.write(dir.resolve("001-audio-t.atrk"), new byte[] {1, 2, 3});
        return dir;
    }
}
