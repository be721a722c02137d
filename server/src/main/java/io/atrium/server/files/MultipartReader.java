package io.atrium.server.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;

/**
 * Reads a {@code multipart/form-data} body (RFC 7578) part by part, as streams, straight from the
 * request: Jetty's {@link MultiPart.Parser} finds boundaries and headers, and a part's content is
 * handed out in the pieces of one reused 64 KiB read buffer. Nothing is buffered in memory or on
 * disk here; the caller decides where a part's bytes go and may stop reading at any time.
 *
 * <p>Limits: at most {@code maxBodyBytes} are read from the body (then {@code FILE_TOO_LARGE}),
 * {@value #MAX_PARTS} parts, {@value #MAX_HEADER_BYTES} bytes of headers per part. A malformed body
 * is {@code INVALID_INPUT}; a failed read of the body is a {@link ClientAbortException}.
 */
final class MultipartReader {

    static final int READ_BYTES = 64 * 1024;
    static final int MAX_PARTS = 16;
    static final int MAX_HEADER_BYTES = 8 * 1024;

    /** The body could not be read: the client went away or the connection broke. */
    static final class ClientAbortException extends IOException {
        ClientAbortException(IOException cause) {
            super("the upload was interrupted: " + cause.getMessage(), cause);
        }
    }

    /** One part: its form field name, the file name as sent (raw, unsanitized; may be null) and its content. */
    record Part(String name, String filename, InputStream content) {
    }

    private enum Marker { BEGIN, HEADERS_END, PART_END, COMPLETE }

    private record Header(String name, String value) {
    }

    private record Failure(Throwable cause) {
    }

    private final InputStream body;
    private final long maxBodyBytes;
    private final byte[] buffer = new byte[READ_BYTES];
    private final Deque<Object> events = new ArrayDeque<>();
    private final MultiPart.Parser parser;
    private long bodyBytes;
    private boolean eof;
    private boolean complete;
    private int parts;
    private PartStream current;

    MultipartReader(InputStream body, String boundary, long maxBodyBytes) {
        this.body = body;
        this.maxBodyBytes = maxBodyBytes;
        this.parser = new MultiPart.Parser(boundary, new MultiPart.Parser.Listener() {
            @Override
            public void onPartBegin() {
                events.add(Marker.BEGIN);
            }

            @Override
            public void onPartHeader(String name, String value) {
                events.add(new Header(name, value));
            }

            @Override
            public void onPartHeaders() {
                events.add(Marker.HEADERS_END);
            }

            @Override
            public void onPartContent(Content.Chunk chunk) {
                if (chunk.hasRemaining()) {
                    events.add(chunk.getByteBuffer().slice());
                }
            }

            @Override
            public void onPartEnd() {
                events.add(Marker.PART_END);
            }

            @Override
            public void onComplete() {
                events.add(Marker.COMPLETE);
            }

            @Override
            public void onFailure(Throwable failure) {
                events.add(new Failure(failure));
            }
        });
        parser.setPartHeadersMaxLength(MAX_HEADER_BYTES);
        parser.setMaxParts(MAX_PARTS);
    }

    /** True when the whole body, up to the closing boundary, has been read. */
    boolean complete() {
        return complete;
    }

    /**
     * The next part, after skipping what is left of the current one; null after the closing boundary.
     */
    Part next() throws IOException {
        if (current != null) {
            current.skipRest();
            current = null;
        }
        Object event = nextEvent();
        if (event == Marker.COMPLETE) {
            complete = true;
            return null;
        }
        if (event != Marker.BEGIN) {
            throw malformed("a part was expected");
        }
        if (++parts > MAX_PARTS) {
            throw FileException.invalidInput("more than " + MAX_PARTS + " parts in the form");
        }
        String name = null;
        String filename = null;
        for (Object e = nextEvent(); e != Marker.HEADERS_END; e = nextEvent()) {
            if (!(e instanceof Header h)) {
                throw malformed("bad part headers");
            }
            if (h.name().equalsIgnoreCase("Content-Disposition")) {
                ContentDisposition d = ContentDisposition.parse(h.value());
                if (!d.type().equals("form-data")) {
                    throw FileException.invalidInput("a part's Content-Disposition must be form-data");
                }
                name = d.name();
                filename = d.filename();
            }
        }
        if (name == null) {
            throw FileException.invalidInput("a part has no Content-Disposition name");
        }
        current = new PartStream();
        return new Part(name, filename, current);
    }

    private Object nextEvent() throws IOException {
        while (events.isEmpty()) {
            if (eof) {
                throw malformed("the body ended early");
            }
            int n;
            try {
                n = body.read(buffer);
            } catch (IOException e) {
                throw new ClientAbortException(e);
            }
            if (n < 0) {
                eof = true;
                parser.parse(Content.Chunk.from(ByteBuffer.allocate(0), true));
            } else {
                bodyBytes += n;
                if (bodyBytes > maxBodyBytes) {
                    throw new FileException(FileException.Kind.FILE_TOO_LARGE, "the upload is larger than " + maxBodyBytes + " bytes");
                }
                parser.parse(Content.Chunk.from(ByteBuffer.wrap(buffer, 0, n), false));
            }
        }
        Object event = events.poll();
        if (event instanceof Failure f) {
            events.clear();
            events.add(f);
            throw malformed(String.valueOf(f.cause().getMessage()));
        }
        return event;
    }

    private static FileException malformed(String detail) {
        return FileException.invalidInput("malformed multipart/form-data body: " + detail.toLowerCase(Locale.ROOT));
    }

    /** The content of the current part, ending at its closing boundary. */
    private final class PartStream extends InputStream {
        private ByteBuffer piece;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (piece == null || !piece.hasRemaining()) {
                if (ended || current != this) {
                    return -1;
                }
                Object e = nextEvent();
                if (e instanceof ByteBuffer buffer) {
                    piece = buffer;
                } else if (e == Marker.PART_END) {
                    ended = true;
                } else {
                    throw malformed("unexpected data in a part");
                }
            }
            int n = Math.min(len, piece.remaining());
            piece.get(b, off, n);
            return n;
        }

        void skipRest() throws IOException {
            piece = null;
            while (!ended) {
                Object e = nextEvent();
                if (e == Marker.PART_END) {
                    ended = true;
                } else if (!(e instanceof ByteBuffer)) {
                    throw malformed("unexpected data in a part");
                }
            }
        }
    }
}
