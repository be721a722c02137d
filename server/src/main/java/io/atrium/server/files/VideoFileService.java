package io.atrium.server.files;

import io.atrium.server.auth.ApiKeys;
import io.atrium.server.auth.AuthException;
import io.atrium.server.auth.Bearer;
import io.atrium.server.auth.TokenService;
import io.atrium.server.store.StoreException;
import io.atrium.server.store.VideoFile;
import io.atrium.server.store.VideoFileStore;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.http.MultiPart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared video files of a room (a contract 003 session is a room): streaming upload with a size
 * limit, type and duration from the content, metadata in the database, and playback with ranges.
 * The HTTP facades call {@link #upload(Context, UUID, String)}, {@link #list(UUID)},
 * {@link #describe(VideoFile)} and {@link #serve(Context, UUID)}; every failure is a
 * {@link FileException} carrying contract 003's status and code.
 *
 * <p>An upload either ends with the file stored and listed, or with nothing kept: a failed read,
 * limit, type check, storage or database error deletes what was written. Two uploads to the same room
 * at once are independent: each gets its own id and storage key, and both are listed.
 */
public final class VideoFileService {

    private static final Logger log = LoggerFactory.getLogger(VideoFileService.class);
    /** Room for the multipart framing (boundaries, part headers, small fields) around the file itself. */
    static final long FORM_OVERHEAD_BYTES = 64 * 1024;
    static final int MAX_UPLOADED_BY = 128;
    private static final int PROBE_WINDOW = 64 * 1024;
    private static final int COPY_BUFFER = 64 * 1024;
    private static final String FILE_FIELD = "file";

    private final FileStorage storage;
    private final VideoFileStore store;
    private final FileUrls urls;
    private final TokenService tokens;
    private final ApiKeys apiKeys;
    private final long maxUploadBytes;
    private final StorageQuota quota;
    private final Clock clock;
    private final java.util.List<java.util.function.Consumer<VideoFile>> readyListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Hears every file once it is stored and recorded, before the upload is answered (the webhooks'
     * {@code file.ready}); a listener that throws is logged and does not fail the upload.
     */
    public void addReadyListener(java.util.function.Consumer<VideoFile> listener) {
        readyListeners.add(listener);
    }

    public VideoFileService(FileStorage storage, VideoFileStore store, FileUrls urls, TokenService tokens, ApiKeys apiKeys,
                            long maxUploadBytes, StorageQuota quota, Clock clock) {
        this.quota = quota;
        this.storage = storage;
        this.store = store;
        this.urls = urls;
        this.tokens = tokens;
        this.apiKeys = apiKeys;
        this.maxUploadBytes = maxUploadBytes;
        this.clock = clock;
    }

    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    /**
     * Reads the request's {@code multipart/form-data} body, whose part {@code file} is the video, and
     * stores it for {@code room}. The caller has checked that the room exists and that the caller may
     * upload to it. When the upload is refused before its end, the rest of the body is not read: Jetty
     * takes what has already arrived and, if more is due, closes the connection after the response.
     */
    public VideoFile upload(Context ctx, UUID room, String uploadedBy) {
        try {
            return upload(ctx.req().getInputStream(), ctx.contentType(), ctx.req().getContentLengthLong(), room, uploadedBy);
        } catch (IOException e) {
            throw new FileException(FileException.Kind.INVALID_INPUT, "the upload could not be read", e);
        }
    }

    /** {@link #upload(Context, UUID, String)} over a body stream; {@code contentLength} -1 when unknown. */
    public VideoFile upload(InputStream body, String contentType, long contentLength, UUID room, String uploadedBy) {
        if (uploadedBy == null || uploadedBy.isBlank() || uploadedBy.length() > MAX_UPLOADED_BY) {
            throw FileException.invalidInput("uploaded_by must have 1 to " + MAX_UPLOADED_BY + " characters");
        }
        String boundary = boundary(contentType);
        long maxBody = maxUploadBytes + FORM_OVERHEAD_BYTES;
        if (contentLength > maxBody) {
            throw tooLarge();
        }
        MultipartReader form = new MultipartReader(body, boundary, maxBody);
        FileStorage.Stored stored = null;
        boolean kept = false;
        // a known length reserves what it declares (all or nothing), an unknown one what is left
        long want = contentLength > 0 ? Math.min(contentLength, maxUploadBytes) : maxUploadBytes;
        try (StorageQuota.Reservation reserved = quota.reserve(room, want, contentLength <= 0)) {
            String rawName = null;
            for (MultipartReader.Part part; (part = form.next()) != null; ) {
                if (!part.name().equals(FILE_FIELD)) {
                    continue;
                }
                if (stored != null) {
                    throw FileException.invalidInput("only one part named 'file' is allowed");
                }
                rawName = part.filename();
                stored = store(part.content(), reserved);
            }
            if (stored == null) {
                throw FileException.invalidInput("the form has no part named 'file'");
            }
            VideoFile file = record(stored, rawName, room, uploadedBy);
            kept = true;
            return file;
        } catch (MultipartReader.ClientAbortException e) {
            throw new FileException(FileException.Kind.INVALID_INPUT, "the upload was interrupted", e);
        } catch (IOException e) {
            log.error("could not store an upload to room {}", room, e);
            throw new FileException(FileException.Kind.INTERNAL_ERROR, "the file could not be stored", e);
        } finally {
            if (!kept && stored != null) {
                deleteQuietly(stored.key());
            }
        }
    }

    /**
     * Keeps a file the server made (a finished recording) as a file of {@code room}, like an upload: within the
     * storage quota, probed, recorded, announced to the ready listeners. {@code path} is copied, not moved.
     */
    public VideoFile keep(java.nio.file.Path path, UUID room, String filename, String uploadedBy) {
        FileStorage.Stored stored = null;
        boolean kept = false;
        try (StorageQuota.Reservation reserved = quota.reserve(room, java.nio.file.Files.size(path), false);
             InputStream in = java.nio.file.Files.newInputStream(path)) {
            stored = store(in, reserved);
            VideoFile file = record(stored, filename, room, uploadedBy);
            kept = true;
            return file;
        } catch (IOException e) {
            log.error("could not store {} for room {}", path, room, e);
            throw new FileException(FileException.Kind.INTERNAL_ERROR, "the file could not be stored", e);
        } finally {
            if (!kept && stored != null) {
                deleteQuietly(stored.key());
            }
        }
    }

    /** The storage quotas, which recordings reserve against while they are written (docs/RECORDING.md, "Bounds"). */
    public StorageQuota quota() {
        return quota;
    }

    /** Probes a stored file, records it and tells the ready listeners; the caller deletes it on failure. */
    private VideoFile record(FileStorage.Stored stored, String rawName, UUID room, String uploadedBy) throws IOException {
        MediaInfo info = probe(stored);
        VideoFile file = new VideoFile(UUID.randomUUID(), room, Filenames.sanitize(rawName, info.container()), stored.key(),
                stored.size(), info.durationSeconds(), info.container().contentType(), uploadedBy,
                clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        try {
            store.insert(file);
        } catch (StoreException e) {
            log.error("could not record uploaded file {} of room {}", stored.key(), room, e);
            throw new FileException(FileException.Kind.INTERNAL_ERROR, "the file could not be recorded", e);
        }
        for (var l : readyListeners) {
            try {
                l.accept(file);
            } catch (RuntimeException e) {
                log.error("file listener failed for {}", file.id(), e);
            }
        }
        log.info("video file {} uploaded to room {}: {} bytes, {} s, {}", file.id(), room, file.size(),
                file.durationSeconds(), file.contentType());
        return file;
    }

    /** The files of a room, oldest first. */
    public List<VideoFile> list(UUID room) {
        return store.list(room);
    }

    public Optional<VideoFile> find(UUID fileId) {
        return store.find(fileId);
    }

    /** Deletes a file of a room (metadata, then bytes); false when the room has no such file. */
    public boolean delete(UUID room, UUID fileId) {
        Optional<VideoFile> f = store.delete(room, fileId);
        f.ifPresent(file -> deleteQuietly(file.storageKey()));
        return f.isPresent();
    }

    /** A fresh signed playback URL for the file (relative: {@code /files/<id>?expires=…&sig=…}). */
    public FileUrls.Signed playbackUrl(VideoFile file) {
        return urls.sign(file.id());
    }

    /**
     * Contract 003's {@code VideoFileInfo} plus Atrium's fields: {@code file_id, room, filename,
     * uploaded_by, uploaded_at, size, duration, content_type, url, url_expires_at}; {@code url} is
     * relative ({@code /files/…}).
     */
    public Map<String, Object> describe(VideoFile file) {
        return describe(file, "");
    }

    /** {@link #describe(VideoFile)} with {@code url = base + /files/…} (e.g. {@code https://host/api/video-call}). */
    public Map<String, Object> describe(VideoFile file, String base) {
        FileUrls.Signed url = playbackUrl(file);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file_id", file.id().toString());
        m.put("room", file.room().toString());
        m.put("filename", file.filename());
        m.put("uploaded_by", file.uploadedBy());
        m.put("uploaded_at", file.uploadedAt().toString());
        m.put("size", file.size());
        m.put("duration", file.durationSeconds());
        m.put("content_type", file.contentType());
        m.put("url", base + url.url());
        m.put("url_expires_at", url.expiresAt().toString());
        return m;
    }

    /**
     * Answers {@code GET}/{@code HEAD} of a playback URL: authorized by its signature, an access token
     * of the file's room ({@code Authorization: Bearer} or {@code ?token=}) or API credentials; with
     * single byte ranges (206/416), {@code ETag} and {@code If-None-Match} (304), {@code If-Range}.
     */
    public void serve(Context ctx, UUID fileId) {
        String sig = ctx.queryParam("sig");
        Optional<UUID> tokenRoom = Optional.empty();
        if (sig != null) {
            urls.verify(fileId, String.valueOf(ctx.queryParam("expires")), sig);
        } else { // before the file is read from the database: a request without credentials costs no read (finding 18)
            tokenRoom = authenticate(ctx);
        }
        VideoFile file = store.find(fileId).orElseThrow(() -> new FileException(FileException.Kind.NOT_FOUND, "no such file"));
        if (tokenRoom.isPresent() && !tokenRoom.get().equals(file.room())) {
            throw new FileException(FileException.Kind.UNAUTHORIZED, "token is for another room");
        }
        FileResponse.write(ctx, file, storage);
    }

    /**
     * The caller of an unsigned playback URL: the room of its access token ({@code Bearer} or {@code ?token=}; the
     * file must be of that room), or empty for API credentials; {@code UNAUTHORIZED} otherwise.
     */
    private Optional<UUID> authenticate(Context ctx) {
        String authorization = ctx.header("Authorization");
        String token = ctx.queryParam("token");
        if (token == null) {
            token = Bearer.token(authorization).orElse(null);
        }
        try {
            if (token != null) {
                try {
                    return Optional.of(tokens.verify(token, Optional.empty()).room());
                } catch (AuthException e) {
                    if (authorization == null || ctx.queryParam("token") != null) {
                        throw e;
                    }
                }
            }
            if (authorization == null) {
                throw new FileException(FileException.Kind.UNAUTHORIZED,
                        "a signed playback URL, an access token of the room (Bearer or ?token=) or API credentials are needed");
            }
            apiKeys.authenticate(authorization);
            return Optional.empty();
        } catch (AuthException e) {
            throw new FileException(FileException.Kind.UNAUTHORIZED, e.getMessage(), e);
        }
    }

    /** Stores the part; past the file limit {@code FILE_TOO_LARGE}, past a smaller reservation {@code QUOTA_EXCEEDED}. */
    private FileStorage.Stored store(InputStream content, StorageQuota.Reservation reserved) throws IOException {
        byte[] head = content.readNBytes(MediaProbe.SNIFF_BYTES);
        if (head.length == 0) {
            throw FileException.invalidInput("the file is empty");
        }
        if (!MediaProbe.sniff(head, head.length)) {
            throw FileException.invalidType("the file is not an MP4, QuickTime, WebM or Matroska video");
        }
        return storage.store(new LimitedInputStream(new SequenceInputStream(new ByteArrayInputStream(head), content), reserved));
    }

    private MediaInfo probe(FileStorage.Stored stored) throws IOException {
        try {
            return MediaProbe.probe(ByteSource.of(storage, stored.key(), stored.size(), PROBE_WINDOW));
        } catch (MediaFormatException e) {
            throw FileException.invalidType("the file is not a playable MP4, QuickTime, WebM or Matroska video: " + e.getMessage());
        }
    }

    private FileException tooLarge() {
        return new FileException(FileException.Kind.FILE_TOO_LARGE, "the file is larger than the limit of " + maxUploadBytes + " bytes");
    }

    private static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw FileException.invalidInput("the body must be multipart/form-data with the video in a part named 'file'");
        }
        String boundary = MultiPart.extractBoundary(contentType);
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw FileException.invalidInput("the multipart/form-data Content-Type has no valid boundary");
        }
        return boundary;
    }

    private void deleteQuietly(String key) {
        try {
            storage.delete(key);
        } catch (IOException | RuntimeException e) {
            log.error("could not delete stored file {}; remove it by hand", key, e);
        }
    }

    /** Passes bytes through and fails with {@code FILE_TOO_LARGE} as soon as more than {@code max} have come. */
    private final class LimitedInputStream extends InputStream {
        private final InputStream in;
        private final long max;
        private final StorageQuota.Reservation reserved;
        private long count;

        LimitedInputStream(InputStream in, StorageQuota.Reservation reserved) {
            this.in = in;
            this.max = reserved.bytes();
            this.reserved = reserved;
        }

        private FileException over() {
            return max < maxUploadBytes ? reserved.exceeded() : tooLarge();
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0 && ++count > max) {
                throw over();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, (int) Math.min(len, max - count + 1));
            if (n > 0) {
                count += n;
                if (count > max) {
                    throw over();
                }
            }
            return n;
        }
    }

    /** Writes a file's bytes with HTTP caching and range semantics. */
    static final class FileResponse {
        private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

        private FileResponse() {
        }

        static void write(Context ctx, VideoFile file, FileStorage storage) {
            String etag = "\"" + file.id() + "\"";
            long size = file.size();
            ctx.header("ETag", etag);
            ctx.header("Last-Modified", HTTP_DATE.format(file.uploadedAt()));
            ctx.header("Accept-Ranges", "bytes");
            ctx.header("Cache-Control", "private, max-age=3600");
            ctx.header("X-Content-Type-Options", "nosniff");
            if (matches(ctx.header("If-None-Match"), etag)) {
                ctx.status(304);
                return;
            }
            RangeRequest range = RangeRequest.parse(ctx.header("Range"), size);
            String ifRange = ctx.header("If-Range");
            if (ifRange != null && !ifRange.equals(etag) && !ifRange.equals(HTTP_DATE.format(file.uploadedAt()))) {
                range = RangeRequest.FULL;
            }
            if (range instanceof RangeRequest.Unsatisfiable) {
                ctx.header("Content-Range", "bytes */" + size);
                throw new FileException(FileException.Kind.RANGE_NOT_SATISFIABLE, "the range starts past the end of the file ("
                        + size + " bytes)");
            }
            long first = range instanceof RangeRequest.Part r ? r.first() : 0;
            long length = range instanceof RangeRequest.Part r ? r.length() : size;
            InputStream in = null;
            if (!ctx.method().name().equals("HEAD")) {
                try {
                    in = storage.open(file.storageKey(), first, length);
                } catch (IOException e) {
                    log.error("the bytes of file {} ({}) cannot be read", file.id(), file.storageKey(), e);
                    throw new FileException(FileException.Kind.INTERNAL_ERROR, "the file's content cannot be read", e);
                }
            }
            ctx.status(range instanceof RangeRequest.Part ? 206 : 200);
            if (range instanceof RangeRequest.Part r) {
                ctx.header("Content-Range", r.contentRange(size));
            }
            String ascii = Filenames.ascii(file.filename());
            ctx.header("Content-Disposition", "inline; filename=\"" + ascii + "\"; filename*=UTF-8''"
                    + URLEncoder.encode(file.filename(), StandardCharsets.UTF_8).replace("+", "%20"));
            ctx.contentType(file.contentType());
            ctx.res().setContentLengthLong(length);
            if (in == null) {
                return;
            }
            try (InputStream content = in) {
                OutputStream out = ctx.res().getOutputStream();
                byte[] buffer = new byte[COPY_BUFFER];
                for (int n; (n = content.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // the client went away (a player seeking, a closed tab); nothing more to answer
                log.debug("playback of {} ended early: {}", file.id(), e.toString());
            }
        }

        private static boolean matches(String ifNoneMatch, String etag) {
            if (ifNoneMatch == null) {
                return false;
            }
            for (String candidate : ifNoneMatch.split(",")) {
                String c = candidate.trim();
                if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
                    return true;
                }
            }
            return false;
        }
    }
}
