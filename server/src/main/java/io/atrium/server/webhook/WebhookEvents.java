package io.atrium.server.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.atrium.server.edge.Json;
import io.atrium.server.recording.RecordingListener;
import io.atrium.server.room.RoomEvent;
import io.atrium.server.room.RoomListener;
import io.atrium.server.store.RecordingRow;
import io.atrium.server.store.StoreException;
import io.atrium.server.store.VideoFile;
import io.atrium.server.store.WebhookOutbox;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns room events and finished file uploads into webhook messages and writes them to the outbox in
 * the caller's thread (a room's executor, an upload's request thread), so an event is on disk before
 * what caused it is answered. The body is {@code {"type", "timestamp", "data"}}; the message id
 * ({@code msg_} + random) is the {@code webhook-id} of every attempt.
 */
public final class WebhookEvents implements RoomListener, RecordingListener {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookEvents.class);

    private final WebhookOutbox outbox;
    private final List<String> urls;
    private final int maxBodyBytes;
    private final Clock clock;
    private final Runnable stored;
    private final AtomicLong dropped = new AtomicLong();

    /** {@code stored} runs after each write (wakes the dispatcher). */
    public WebhookEvents(WebhookOutbox outbox, List<String> urls, int maxBodyBytes, Clock clock, Runnable stored) {
        this.outbox = outbox;
        this.urls = List.copyOf(urls);
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
        this.stored = stored;
    }

    @Override
    public void event(RoomEvent event) {
        record(event.type(), event.room(), event.data());
    }

    /** {@code file.ready}: a shared video file is stored and may be played. */
    public void fileReady(VideoFile file) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("room", file.room().toString());
        data.put("file_id", file.id().toString());
        data.put("filename", file.filename());
        data.put("size", file.size());
        data.put("duration_seconds", file.durationSeconds());
        data.put("content_type", file.contentType());
        data.put("uploaded_by", file.uploadedBy());
        record("file.ready", file.room(), data);
    }

    /** {@code recording.started}. */
    @Override
    public void started(RecordingRow r) {
        record("recording.started", r.room(), recording(r));
    }

    /** {@code recording.stopped}: finishing follows. */
    @Override
    public void stopped(RecordingRow r) {
        record("recording.stopped", r.room(), recording(r));
    }

    /** {@code recording.track_failed}: one track stopped recording early; the meeting and the other tracks go on. */
    @Override
    public void trackFailed(RecordingRow r, String trackId, String reason) {
        Map<String, Object> data = recording(r);
        data.put("track_id", trackId);
        data.put("reason", reason);
        record("recording.track_failed", r.room(), data);
    }

    /** {@code recording.ready} (or {@code recording.failed} when no file could be made), with the files' ids. */
    @Override
    public void finished(RecordingRow r, List<VideoFile> files) {
        Map<String, Object> data = recording(r);
        data.put("file_ids", files.stream().map(f -> f.id().toString()).toList());
        record(RecordingRow.READY.equals(r.state()) ? "recording.ready" : "recording.failed", r.room(), data);
    }

    private static Map<String, Object> recording(RecordingRow r) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("room", r.room().toString());
        data.put("recording_id", r.id().toString());
        data.put("state", r.state());
        if (r.error() != null) {
            data.put("error", r.error());
        }
        return data;
    }

    /** Events too large for {@code webhooks.max_body_bytes}, or not stored because the database failed. */
    public long dropped() {
        return dropped.get();
    }

    private void record(String type, UUID room, Map<String, Object> data) {
        Instant now = clock.instant();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", type);
        message.put("timestamp", now.toString());
        message.put("data", data);
        String body;
        try {
            body = Json.MAPPER.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event data is plain strings and numbers", e);
        }
        if (body.getBytes(StandardCharsets.UTF_8).length > maxBodyBytes) {
            dropped.incrementAndGet();
            LOG.error("webhook event {} of room {} is larger than webhooks.max_body_bytes ({}); not sent", type, room, maxBodyBytes);
            return;
        }
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        try {
            outbox.add(id, room.toString(), body, urls, now.toEpochMilli());
        } catch (StoreException e) {
            dropped.incrementAndGet();
            LOG.error("webhook event {} of room {} could not be stored; not sent", type, room, e);
            return;
        }
        stored.run();
    }
}
