package io.atrium.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Uploads a video file to {@code /v1/rooms/{uuid}/files} as curl does, and the test clip to upload. */
public final class Uploads {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Uploads() {
    }

    /** The 17 KB H.264/AAC MP4 of src/test/resources/media. */
    public static byte[] clip() {
        try (InputStream in = Uploads.class.getResourceAsStream("/media/clip-h264-aac.mp4")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates a room through the REST API at {@code base}; returns its uuid. */
    public static String createRoom(URI base, String authorization, String name) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/rooms")).header("Authorization", authorization)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"room\":{\"name\":\"" + name + "\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new AssertionError("create room: " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body()).at("/room/uuid").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Uploads {@code content} as {@code name} to the room at {@code base}, expects 201, returns the file JSON. */
    public static JsonNode upload(URI base, String authorization, String room, String name, byte[] content) {
        String boundary = "----AtriumUpload";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: video/mp4\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/rooms/" + room + "/files"))
                    .header("Authorization", authorization)
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new AssertionError("upload: " + r.statusCode() + " " + r.body());
            }
            JsonNode json = JSON.readTree(r.body());
            return json.has("file") ? json.get("file") : json;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
