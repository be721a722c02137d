package io.atrium.server.webhook;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.store.StoreException;
import io.atrium.server.store.WebhookOutbox;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox: every half second (and whenever an event is stored, an attempt ends or a retry
 * within a minute falls due) it asks
 * the outbox, per URL, for the rows that may go now — the oldest live row of each room whose next
 * attempt is due — and POSTs up to {@code max_in_flight_per_url} of them at once, signed anew for each
 * attempt. A 2xx deletes the row; anything else (status, timeout, refused connection) schedules the
 * next attempt with exponential backoff, until {@code max_attempts} marks it dead. Each URL has its own
 * slots, so a failing or slow endpoint delays only its own rooms; the response body is never read.
 */
public final class WebhookDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    static final long POLL_MILLIS = 500;

    private final WebhookOutbox outbox;
    private final AtriumConfig.Webhooks config;
    private final WebhookSignature signature;
    private final Clock clock;
    private final ExecutorService callbacks = Executors.newFixedThreadPool(2, daemon("atrium-webhook-io"));
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(daemon("atrium-webhooks"));
    private final HttpClient http;
    private final Map<String, Set<Long>> inFlight = new ConcurrentHashMap<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong givenUp = new AtomicLong();

    public WebhookDispatcher(WebhookOutbox outbox, AtriumConfig.Webhooks config, Clock clock) {
        this.outbox = outbox;
        this.config = config;
        this.signature = new WebhookSignature(config.secretBytes());
        this.clock = clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(config.timeoutSeconds())).executor(callbacks).build();
        config.urls().forEach(url -> inFlight.put(url, ConcurrentHashMap.newKeySet()));
    }

    /** Starts polling the outbox (what a previous run left is sent first). */
    public WebhookDispatcher start() {
        loop.scheduleWithFixedDelay(this::poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Looks at the outbox soon (an event was stored). */
    public void wake() {
        if (wakePending.compareAndSet(false, true)) {
            try {
                loop.execute(() -> {
                    wakePending.set(false);
                    poll();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                wakePending.set(false); // stopping
            }
        }
    }

    /** Events acknowledged with 2xx since start. */
    public long delivered() {
        return delivered.get();
    }

    /** Attempts that failed and will be tried again, since start. */
    public long retried() {
        return retried.get();
    }

    /** Events given up after max_attempts since start (their last attempt failed; they stay in the outbox, dead). */
    public long givenUp() {
        return givenUp.get();
    }

    /** Outbox rows (one per event and URL) still to deliver, or given up when {@code dead}; a database query. */
    public long outboxDepth(boolean dead) {
        return outbox.count(dead);
    }

    private void poll() {
        try {
            long now = clock.millis();
            for (String url : config.urls()) {
                Set<Long> flying = inFlight.get(url);
                int free = config.maxInFlightPerUrl() - flying.size();
                if (free <= 0) {
                    continue;
                }
                List<WebhookOutbox.Entry> due = outbox.due(url, now, config.maxInFlightPerUrl() * 2);
                for (WebhookOutbox.Entry e : due) {
                    if (free > 0 && flying.add(e.seq())) {
                        free--;
                        send(e, flying);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("webhook outbox poll failed; trying again", e);
        }
    }

    private void send(WebhookOutbox.Entry e, Set<Long> flying) {
        long timestamp = clock.millis() / 1000;
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(e.endpoint()))
                    .timeout(Duration.ofSeconds(config.timeoutSeconds()))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Atrium-Webhooks")
                    .header("webhook-id", e.eventId())
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", signature.sign(e.eventId(), timestamp, e.body()))
                    .POST(HttpRequest.BodyPublishers.ofString(e.body()))
                    .build();
        } catch (IllegalArgumentException bad) {
            finish(e, flying, null, bad);
            return;
        }
        http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .whenComplete((response, error) -> finish(e, flying, response, error));
    }

    private void finish(WebhookOutbox.Entry e, Set<Long> flying, HttpResponse<InputStream> response, Throwable error) {
        try {
            if (response != null) {
                try (InputStream ignored = response.body()) {
                    // closing unread: the body is never needed, and never read whatever its size
                } catch (IOException ignored) {
                    // the status is all that counts
                }
            }
            if (error == null && response.statusCode() / 100 == 2) {
                outbox.delivered(e.seq());
                delivered.incrementAndGet();
                return;
            }
            String why = error != null ? error.getClass().getSimpleName() + ": " + error.getMessage() : "HTTP " + response.statusCode();
            int attempts = e.attempts() + 1;
            boolean dead = attempts >= config.maxAttempts();
            long next = clock.millis() + backoffMillis(attempts);
            outbox.failed(e.seq(), attempts, next, dead, why);
            (dead ? givenUp : retried).incrementAndGet();
            if (dead) {
                LOG.error("webhook {} to {} given up after {} attempts: {}", e.eventId(), e.endpoint(), attempts, why);
            } else {
                long in = next - clock.millis();
                LOG.warn("webhook {} to {} failed (attempt {}): {}; next in {} ms", e.eventId(), e.endpoint(), attempts, why, in);
                if (in < 60_000) {
                    pollIn(in + 1); // when the retry is due, rather than up to POLL_MILLIS later
                }
            }
        } catch (StoreException | IllegalStateException ex) {
            LOG.error("webhook {}: could not record the attempt; it will be sent again", e.eventId(), ex);
        } finally {
            // on the loop's thread, after the row's update committed: a poll that read the outbox before the
            // update still sees the row in flight, and the next poll reads it fresh
            try {
                loop.execute(() -> {
                    flying.remove(e.seq());
                    poll();
                });
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                flying.remove(e.seq());
            }
        }
    }

    private void pollIn(long millis) {
        try {
            loop.schedule(this::poll, millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // closed meanwhile: nothing to retry in this run
        }
    }

    /** {@code initial_backoff_seconds} doubled per failed attempt, capped at {@code max_backoff_seconds}, plus up to 10% jitter. */
    long backoffMillis(int attempts) {
        long base = config.initialBackoffSeconds() * 1000L << Math.min(attempts - 1, 30);
        long capped = Math.min(base, config.maxBackoffSeconds() * 1000L);
        return capped + ThreadLocalRandom.current().nextLong(capped / 10 + 1);
    }

    @Override
    public void close() {
        loop.shutdownNow();
        callbacks.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
