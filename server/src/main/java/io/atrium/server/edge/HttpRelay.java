package io.atrium.server.edge;

import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP request sent on to the node that runs its room (docs/SCALING.md) and its answer given as this
 * one's: the method, body and the headers named, to the same path and query on {@code owner}; back come the
 * status, body and the response headers named. The relayed request carries the cluster's {@link RelayMark},
 * and a node never relays a request whose mark verifies, so a room that moves meanwhile cannot make two nodes
 * pass a request back and forth; a client cannot make the mark, so its request is always placed as a client's.
 * {@code 502 bad_gateway} when the owner does not answer.
 */
public final class HttpRelay {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRelay.class);
    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final RelayMark mark;

    /** A relay that signs and verifies with {@code mark} (one node: a mark of its own, which nothing else makes). */
    public HttpRelay(RelayMark mark) {
        this.mark = mark;
    }

    /**
     * Whether another node relayed {@code ctx} here (its {@link RelayMark} verifies; then it is answered here,
     * whatever happens). A request whose mark is missing or does not verify is a client's.
     */
    public boolean relayed(Context ctx) {
        return mark.verify(ctx.header(RelayMark.HEADER), ctx.method().name(), target(ctx));
    }

    /** Relays {@code ctx} to {@code owner} (a base URL), copying {@code requestHeaders} there and {@code responseHeaders} back. */
    public void relay(Context ctx, URI owner, List<String> requestHeaders, List<String> responseHeaders) {
        String target = target(ctx);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(owner + target)).timeout(TIMEOUT)
                .header(RelayMark.HEADER, mark.sign(ctx.method().name(), target))
                .method(ctx.method().name(), HttpRequest.BodyPublishers.ofByteArray(ctx.bodyAsBytes()));
        for (String name : requestHeaders) {
            Optional.ofNullable(ctx.header(name)).ifPresent(v -> request.header(name, v));
        }
        HttpResponse<byte[]> answer;
        try {
            answer = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            LOG.warn("relaying {} {} to {} failed: {}", ctx.method(), ctx.path(), owner, e.toString());
            throw new ApiException(502, "bad_gateway", "the node that runs this room did not answer; try again", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "unavailable", "the server is stopping", null);
        }
        ctx.status(answer.statusCode());
        for (String name : responseHeaders) {
            if (name.equalsIgnoreCase("Content-Type")) {
                answer.headers().firstValue(name).ifPresent(ctx::contentType);
            } else {
                answer.headers().allValues(name).forEach(v -> ctx.res().addHeader(name, v));
            }
        }
        ctx.result(answer.body());
    }

    /** The path and query of {@code ctx} ({@code /path} or {@code /path?query}), as a relay sends them on and its mark signs them. */
    public static String target(Context ctx) {
        String query = ctx.queryString();
        return ctx.path() + (query == null ? "" : "?" + query);
    }
}
