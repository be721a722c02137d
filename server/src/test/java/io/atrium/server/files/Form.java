package io.atrium.server.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Builds multipart/form-data bodies (as browsers and curl send them) and posts them. */
final class Form {

    static final String BOUNDARY = "----AtriumTestBoundary7MA4YWxkTrZu0gW";
    static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A part with a raw Content-Disposition parameter string after {@code form-data; }. */
    Form part(String disposition, String contentType, byte[] content) {
        ascii("--" + BOUNDARY + "\r\n");
        out.writeBytes(("Content-Disposition: form-data; " + disposition + "\r\n").getBytes(StandardCharsets.UTF_8));
        if (contentType != null) {
            ascii("Content-Type: " + contentType + "\r\n");
        }
        ascii("\r\n");
        out.writeBytes(content);
        ascii("\r\n");
        return this;
    }

    Form file(String filename, byte[] content) {
        return part("name=\"file\"; filename=\"" + filename + "\"", "application/octet-stream", content);
    }

    Form field(String name, String value) {
        return part("name=\"" + name + "\"", null, value.getBytes(StandardCharsets.UTF_8));
    }

    byte[] end() {
        ascii("--" + BOUNDARY + "--\r\n");
        return out.toByteArray();
    }

    /** The body so far, without the closing boundary. */
    byte[] unterminated() {
        return out.toByteArray();
    }

    private void ascii(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] upload(String filename, byte[] content) {
        return new Form().file(filename, content).end();
    }

    static HttpResponse<String> post(URI uri, String contentType, byte[] body, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", contentType);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return CLIENT.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
