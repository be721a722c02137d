package io.atrium.server.metrics;

import io.atrium.server.room.RoomService;
import io.atrium.server.sfu.MediaQuality;
import io.atrium.server.sfu.Shards;
import io.atrium.server.sfu.SfuCounters;
import io.atrium.server.signal.WhipWhepApi;
import io.atrium.server.webhook.WebhookDispatcher;
import io.atrium.server.transport.MediaCounters;
import io.atrium.server.transport.PeerStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Atrium's metrics in one Prometheus registry (Micrometer), scraped at {@code /metrics}
 * (docs/OPERATIONS.md lists every one). The media plane is never touched per packet: its counters
 * ({@link MediaCounters}, {@link SfuCounters}, {@link PeerStats}) are plain fields written by the
 * media thread, and the meters here read them when Prometheus scrapes. Quality gauges come from one
 * {@link Shards#quality()} snapshot per scrape, taken on the media thread.
 */
public final class AtriumMetrics {

    /** How long a scrape waits for the media thread's snapshot before reporting the previous one. */
    static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(2);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer joinLatency;
    private final AtomicInteger websockets = new AtomicInteger();
    private final Counter websocketMessages;
    private final Counter httpRefusals;
    private final Shards shards;
    private volatile MediaQuality quality = new MediaQuality(0, 0, 0, 0, 0, 0);
    private volatile long qualityNanos;
    private volatile PeerStats totals = new PeerStats();
    private volatile long totalsNanos;

    public AtriumMetrics(Shards shards, RoomService rooms, WhipWhepApi whipWhep) {
        this.shards = shards;
        MeterRegistry r = registry;

        Gauge.builder("atrium.rooms", rooms, RoomService::liveRoomCount)
                .description("Rooms with a live session or member (WebSocket signaling)").register(r);
        Gauge.builder("atrium.media.rooms", shards, Shards::roomCount).description("Rooms with media peers").register(r);
        Gauge.builder("atrium.members", rooms, x -> x.memberAndWatcherCounts()[0]).tag("kind", "webrtc")
                .description("Members joined over the WebSocket protocol (receive-only members included)").register(r);
        Gauge.builder("atrium.members", rooms, x -> x.memberAndWatcherCounts()[1]).tag("kind", "watcher")
                .description("Operators watching rooms without joining").register(r);
        Gauge.builder("atrium.members", rooms, x -> x.memberAndWatcherCounts()[2]).tag("kind", "sip")
                .description("Phones (SIP calls) seated in rooms").register(r);
        Gauge.builder("atrium.members", whipWhep, w -> w.sessionCount("whip")).tag("kind", "whip")
                .description("WHIP publishing sessions").register(r);
        Gauge.builder("atrium.members", whipWhep, w -> w.sessionCount("whep")).tag("kind", "whep")
                .description("WHEP playing sessions").register(r);
        Gauge.builder("atrium.media.peers", shards, Shards::peerCount)
                .description("Peer connections (ICE/DTLS/SRTP) on the media ports").register(r);
        gauge("atrium.tracks", "direction", "published", "Published tracks", q -> q.tracksPublished());
        gauge("atrium.tracks", "direction", "subscribed", "Tracks forwarded to subscribers", q -> q.tracksSubscribed());
        gauge("atrium.packet.loss.ratio", "side", "publish", "Mean fraction of packets lost from publishers to Atrium",
                MediaQuality::publishLoss);
        gauge("atrium.packet.loss.ratio", "side", "subscribe", "Mean fraction lost from Atrium to subscribers (their RTCP RR)",
                MediaQuality::subscribeLoss);
        Gauge.builder("atrium.rtt", this, m -> m.quality().rttSeconds()).baseUnit("seconds")
                .description("Mean round-trip time to subscribers (RTCP RR/SR)").register(r);
        Gauge.builder("atrium.jitter", this, m -> m.quality().jitterSeconds()).baseUnit("seconds")
                .description("Mean interarrival jitter of published streams (RFC 3550)").register(r);

        peerCounter("atrium.media.packets", "Media packets", "in", "rtp", s -> s.packetsIn());
        peerCounter("atrium.media.packets", "Media packets", "out", "rtp", s -> s.packetsOut());
        peerCounter("atrium.media.packets", "Media packets", "in", "rtcp", s -> s.rtcpIn());
        peerCounter("atrium.media.packets", "Media packets", "out", "rtcp", s -> s.rtcpOut());
        FunctionCounter.builder("atrium.media", this, m -> m.totals().bytesIn()).baseUnit("bytes").tag("direction", "in")
                .description("RTP payload bytes (after SRTP)").register(r);
        FunctionCounter.builder("atrium.media", this, m -> m.totals().bytesOut()).baseUnit("bytes").tag("direction", "out")
                .description("RTP payload bytes (before SRTP)").register(r);
        counter("atrium.nack", "direction", "in", "Generic NACK packets from subscribers", shards, x -> x.sumSfu(SfuCounters::nackIn));
        counter("atrium.nack", "direction", "out", "Generic NACK packets to publishers", shards, x -> x.sumSfu(SfuCounters::nackOut));
        counter("atrium.pli", "direction", "in", "Picture loss indications from subscribers", shards, x -> x.sumSfu(SfuCounters::pliIn));
        counter("atrium.pli", "direction", "out", "Keyframe requests (PLI) to publishers", shards, x -> x.sumSfu(SfuCounters::pliOut));
        counter("atrium.fir", "direction", "in", "Full intra requests from subscribers", shards, x -> x.sumSfu(SfuCounters::firIn));
        counter("atrium.rtx.packets", "direction", "in", "Retransmissions received from publishers", shards, x -> x.sumSfu(SfuCounters::rtxIn));
        counter("atrium.rtx.packets", "direction", "out", "Retransmissions sent to subscribers", shards, x -> x.sumSfu(SfuCounters::rtxOut));
        FunctionCounter.builder("atrium.srtp.failures", this, m -> m.totals().srtpErrors())
                .description("SRTP/SRTCP packets failing authentication or replay checks").register(r);
        counter("atrium.dtls.failures", null, null, "Failed DTLS handshakes", shards, x -> x.sum(t -> t.counters().dtlsFailures()));
        counter("atrium.dropped.datagrams", "reason", "unroutable", "Datagrams from no known peer", shards, x -> x.sum(t -> t.counters().unroutable()));
        FunctionCounter.builder("atrium.dropped.datagrams", this, m -> m.totals().dropped()).tag("reason", "not_ready")
                .description("Datagrams a peer could not take (before keys, or malformed DTLS)").register(r);
        FunctionCounter.builder("atrium.dropped.datagrams", this, m -> m.totals().srtpErrors()).tag("reason", "srtp")
                .description("Datagrams failing SRTP authentication or replay checks").register(r);
        counter("atrium.dropped.datagrams", "reason", "tcp_oversize", "ICE-TCP frames empty or longer than a datagram",
                shards, x -> x.sum(t -> t.socket().tcpOversize()));
        counter("atrium.dropped.datagrams", "reason", "tcp_buffer_full",
                "Packets not sent to an ICE-TCP connection whose outbound buffer is full (a slow reader)", shards, x -> x.sum(t -> t.socket().tcpDropped()));
        counter("atrium.dropped.datagrams", "reason", "send_failed",
                "Datagrams the kernel refused to send or had no room for in the media socket's send buffer", shards, x -> x.sum(t -> t.socket().egressDropped()));
        Gauge.builder("atrium.ice.tcp.connections", shards, x -> x.sum(t -> t.socket().tcpConnections()))
                .description("Open ICE-TCP connections on the media ports").register(r);
        counter("atrium.ice.tcp.accepted", null, null, "ICE-TCP connections accepted", shards, x -> x.sum(t -> t.socket().tcpAccepted()));
        counter("atrium.ice.tcp.refused", null, null,
                "ICE-TCP connections closed at once because the media port, or their IP address, had its most open",
                shards, x -> x.sum(t -> t.socket().tcpRefused()));
        counter("atrium.ice.tcp.unrouted", null, null,
                "ICE-TCP connections closed because no peer took their address (first frame not an accepted ICE check, or peer gone)",
                shards, x -> x.sum(t -> t.socket().tcpUnrouted()));
        FunctionTimer.builder("atrium.forward.latency", shards, x -> x.sum(t -> t.counters().forwardCount()),
                        x -> x.sum(t -> t.counters().forwardNanos()),
                TimeUnit.NANOSECONDS).description("Media-thread time per SRTP datagram: decrypt, route, forward to all").register(r);
        Gauge.builder("atrium.forward.latency.max", shards,
                        x -> x.shards().stream().mapToLong(s -> s.transport().counters().takeForwardMaxNanos()).max().orElse(0) / 1e9).baseUnit("seconds")
                .description("Longest media-thread time for one datagram since the previous scrape").register(r);
        joinLatency = Timer.builder("atrium.join.latency").description("authenticate to the member's media connected")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(50))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(r);
        rooms.observeJoinLatency(nanos -> joinLatency.record(nanos, TimeUnit.NANOSECONDS));

        Gauge.builder("atrium.websocket.connections", websockets, AtomicInteger::get)
                .description("Open WebSocket signaling connections").register(r);
        websocketMessages = Counter.builder("atrium.websocket.messages").tag("direction", "in")
                .description("WebSocket messages received").register(r);
        httpRefusals = Counter.builder("atrium.rate.limited").tag("edge", "http")
                .description("HTTP requests refused with 429").register(r);

        new ClassLoaderMetrics().bindTo(r);
        new JvmMemoryMetrics().bindTo(r);
        new JvmGcMetrics().bindTo(r);
        new JvmThreadMetrics().bindTo(r);
        new ProcessorMetrics().bindTo(r);
        new UptimeMetrics().bindTo(r);
        new FileDescriptorMetrics().bindTo(r);
    }

    /** Meters of the webhook outbox and its deliveries. */
    public void webhooks(WebhookDispatcher webhooks) {
        counter("atrium.webhook.attempts", "result", "delivered", "Webhook deliveries acknowledged with 2xx", webhooks,
                WebhookDispatcher::delivered);
        counter("atrium.webhook.attempts", "result", "retry", "Webhook attempts that failed and will be tried again", webhooks,
                WebhookDispatcher::retried);
        counter("atrium.webhook.attempts", "result", "given_up", "Webhook events given up after max_attempts", webhooks,
                WebhookDispatcher::givenUp);
        for (boolean dead : new boolean[] {false, true}) {
            Gauge.builder("atrium.webhook.outbox", webhooks, w -> w.outboxDepth(dead)).baseUnit("events")
                    .tag("state", dead ? "dead" : "pending")
                    .description("Webhook outbox rows (event and URL) still to deliver, or given up").register(registry);
        }
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** One HTTP request: {@code route} is the matched path template (e.g. {@code /v1/rooms/{uuid}}). */
    public void httpRequest(String method, String route, int status, double millis) {
        Timer.builder("atrium.http.server.requests").description("HTTP requests by route, method and status")
                .tags("method", method, "route", route, "status", String.valueOf(status))
                .register(registry).record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
        if (status == 429) {
            httpRefusals.increment();
        }
    }

    public void websocketOpened() {
        websockets.incrementAndGet();
    }

    public void websocketClosed() {
        websockets.decrementAndGet();
    }

    public void websocketMessage() {
        websocketMessages.increment();
    }

    /** The recorder's losses: tracks whose recording stopped early, packets not recorded (docs/RECORDING.md). */
    public void recorder(io.atrium.server.recording.Recorder recorder) {
        FunctionCounter.builder("atrium.recording.failed.tracks", recorder, io.atrium.server.recording.Recorder::failedTracks)
                .description("Tracks whose recording stopped early: queue full (slow disk) or write error").register(registry);
        FunctionCounter.builder("atrium.recording.dropped.packets", recorder, io.atrium.server.recording.Recorder::droppedPackets)
                .description("Packets of recorded tracks not written (queue full or file failed)").register(registry);
        FunctionCounter.builder("atrium.recording.packets", recorder, io.atrium.server.recording.Recorder::writtenPackets)
                .description("Packets written to track files").register(registry);
    }

    /** Counts refusals of another edge (e.g. the WebSocket's per-connection rate limit) read at scrape time. */
    public <T> void rateLimited(String edge, T source, ToDoubleFunction<T> refusals) {
        FunctionCounter.builder("atrium.rate.limited", source, refusals).tag("edge", edge)
                .description("Requests refused by a rate limit").register(registry);
    }

    private void gauge(String name, String tag, String value, String description, ToDoubleFunction<MediaQuality> f) {
        Gauge.builder(name, this, m -> f.applyAsDouble(m.quality())).tag(tag, value).description(description).register(registry);
    }

    private void peerCounter(String name, String description, String direction, String type, ToLongFunction<PeerStats> f) {
        FunctionCounter.builder(name, this, m -> f.applyAsLong(m.totals())).tags("direction", direction, "type", type)
                .description(description).register(registry);
    }

    private <T> void counter(String name, String tag, String value, String description, T source, ToLongFunction<T> f) {
        var b = FunctionCounter.builder(name, source, s -> f.applyAsLong(s)).description(description);
        if (tag != null) {
            b.tag(tag, value);
        }
        b.register(registry);
    }

    /** The media snapshot of this scrape (at most one media-thread hop per second). */
    private MediaQuality quality() {
        long now = System.nanoTime();
        if (now - qualityNanos > 1_000_000_000L) {
            try {
                quality = shards.quality().get(SNAPSHOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // media thread busy or stopped: keep the previous snapshot
            }
            qualityNanos = now;
        }
        return quality;
    }

    /** Summed peer counters, recomputed at most once per second so one scrape sees one consistent set. */
    private PeerStats totals() {
        long now = System.nanoTime();
        if (now - totalsNanos > 1_000_000_000L) {
            totals = shards.totals();
            totalsNanos = now;
        }
        return totals;
    }
}
