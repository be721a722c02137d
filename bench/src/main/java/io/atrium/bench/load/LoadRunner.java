package io.atrium.bench.load;

import io.atrium.webrtc.dtls.DtlsCertificate;
import io.atrium.webrtc.peer.ClientPeer;
import io.atrium.webrtc.peer.MediaListener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one {@link Scenario} against one {@link Sfu}: connects the publishers and starts the {@link Pacer},
 * samples the server's RSS, connects the subscribers, then fixes a {@link Window} after a warm-up and samples
 * the server's and its own CPU time (user and system apart) at the window's edges; with several windows, each next
 * one starts once the last one's packets are counted, every one a result of its own. Peers connect a few at a
 * time; all of them share the {@link PeerIo} event loops.
 */
public final class LoadRunner {
    private static final DtlsCertificate CERTIFICATE = DtlsCertificate.generate();
    private static final int CONNECT_THREADS = 4;

    private final Duration warmup;
    private final Duration window;
    private final int windows;
    private final Consumer<String> log;
    private final int clientThreads;

    /** Plain seconds, to keep the record of options simple. */
    public record Duration(double seconds) {
        long nanos() {
            return (long) (seconds * 1e9);
        }
    }

    /** {@code windows} after one warm-up; {@code clientThreads}: the {@link PeerIo} event loops all peers share. */
    public LoadRunner(Duration warmup, Duration window, int windows, int clientThreads, Consumer<String> log) {
        if (windows < 1) {
            throw new IllegalArgumentException("at least one window, not " + windows);
        }
        this.warmup = warmup;
        this.window = window;
        this.windows = windows;
        this.clientThreads = clientThreads;
        this.log = log;
    }

    /** The result of each window in turn; a failed one for each window not measured when the scenario could not run or stopped. */
    public List<RunResult> run(Sfu sfu, Scenario s) {
        List<RunResult> results = new ArrayList<>();
        List<Publisher> publishers = new ArrayList<>();
        List<ClientPeer> peers = new ArrayList<>();
        List<ReceiveStats> receivers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(CONNECT_THREADS, r -> {
            Thread t = new Thread(r, "bench-connect");
            t.setDaemon(true);
            return t;
        });
        SendTimes sendTimes = new SendTimes(StreamIds.count(s.publishers()));
        PeerIo io = new PeerIo(clientThreads, sendTimes);
        try (Pacer pacer = new Pacer()) {
            sfu.createRoom(s.publishers());
            long t0 = System.nanoTime();
            List<Future<?>> connecting = new ArrayList<>();
            ClientPeer[] firstSubscriber = new ClientPeer[1];
            for (int i = 0; i < s.publishers(); i++) {
                Publisher p = new Publisher(i, s.media());
                ClientPeer peer = io.open(CERTIFICATE, p);
                publishers.add(p);
                peers.add(peer);
                connecting.add(pool.submit(() -> {
                    sfu.publish(p, peer);
                    p.start(peer, System.nanoTime());
                    pacer.add(p);
                    return null;
                }));
            }
            await(connecting);
            log.accept(String.format("  %s: %d publishers connected in %.1f s", sfu.name(), s.publishers(),
                    (System.nanoTime() - t0) / 1e9));
            Thread.sleep(2000);
            long rssBefore = ProcStats.rssBytes(sfu.pid());
            t0 = System.nanoTime();
            connecting.clear();
            for (int i = 0; i < s.subscribers(); i++) {
                ReceiveStats stats = new ReceiveStats(StreamIds.count(s.publishers()), sendTimes);
                ClientPeer peer = io.open(CERTIFICATE, new MediaListener() {
                    @Override
                    public void onRtp(byte[] buf, int off, int len) {
                        stats.onRtp(buf, off, len, System.nanoTime());
                    }

                    @Override
                    public void onRtcp(byte[] buf, int off, int len) {
                        // sender reports etc. are not measured
                    }
                });
                receivers.add(stats);
                peers.add(peer);
                if (i == 0) {
                    firstSubscriber[0] = peer;
                }
                int index = i;
                connecting.add(pool.submit(() -> {
                    sfu.subscribe(index, peer, s.publishers(), s.layerOf(index), s.media());
                    return null;
                }));
            }
            await(connecting);
            log.accept(String.format("  %s: %d subscribers connected in %.1f s", sfu.name(), s.subscribers(),
                    (System.nanoTime() - t0) / 1e9));

            long start = System.nanoTime() + warmup.nanos();
            for (int k = 0; k < windows; k++) {
                String name = windows == 1 ? sfu.name() : sfu.name() + " window " + (k + 1) + "/" + windows;
                results.add(measure(sfu, name, s, new Window(start, start + window.nanos()), publishers, receivers, pacer,
                        io, firstSubscriber[0], rssBefore));
                start = System.nanoTime() + 1_000_000_000L; // the next window: once this one's packets are counted
            }
            return results;
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                    ? e.getCause() : e;
            log.accept("  " + sfu.name() + " FAILED: " + cause);
            while (results.size() < windows) { // a row for every window: the table lines up rows by their order
                results.add(RunResult.failed(s, sfu.name(), String.valueOf(cause.getMessage())));
            }
            return results;
        } finally {
            pool.shutdownNow();
            peers.parallelStream().forEach(ClientPeer::close);
            io.close();
        }
    }

    /**
     * Counts one window {@code w} (it starts in the future): the server's and the generator's CPU time at its edges,
     * then, a second after its end, what the subscribers received of what the publishers sent in it and the latencies.
     * The keyframe requests the publishers received in it are counted too; {@code name} labels its log lines;
     * {@code rssBefore}: the server's RSS before the subscribers came.
     */
    private RunResult measure(Sfu sfu, String name, Scenario s, Window w, List<Publisher> publishers,
                              List<ReceiveStats> receivers, Pacer pacer, PeerIo io, ClientPeer firstSubscriber, long rssBefore)
            throws InterruptedException {
        publishers.forEach(p -> p.window(w));
        receivers.forEach(r -> r.window(w));
        pacer.takeLateness();
        if (System.nanoTime() - w.startNanos() >= 0) {
            throw new IllegalStateException("the window began before its counters were reset");
        }
        sleepUntil(w.startNanos());
        long pid = sfu.pid();
        long self = ProcessHandle.current().pid();
        long pli = -pliReceived(publishers);
        ProcStats.Cpu cpu0 = ProcStats.cpu(pid);
        ProcStats.Cpu self0 = ProcStats.cpu(self);
        sleepUntil(w.endNanos());
        ProcStats.Cpu cpu1 = ProcStats.cpu(pid);
        ProcStats.Cpu self1 = ProcStats.cpu(self);
        pli += pliReceived(publishers);
        long rssEnd = ProcStats.rssBytes(pid);
        Thread.sleep(1000); // let in-window packets arrive

        long expected = 0;
        for (Publisher p : publishers) {
            for (int i = 0; i < s.subscribers(); i++) {
                expected += p.sentInWindow(s.layerOf(i));
            }
        }
        long delivered = 0;
        long otherLayers = 0;
        long duplicates = 0;
        long corrupt = 0;
        LatencyHistogram audio = new LatencyHistogram();
        LatencyHistogram video = new LatencyHistogram();
        LatencyHistogram keyframes = new LatencyHistogram();
        LatencyHistogram sendWaits = new LatencyHistogram();
        for (int i = 0; i < receivers.size(); i++) {
            ReceiveStats r = receivers.get(i);
            long wanted = 0;
            for (int p = 0; p < s.publishers(); p++) {
                wanted += r.inWindow(StreamIds.audio(p))
                        + (s.layerOf(i) < 0 ? 0 : r.inWindow(StreamIds.video(p, s.layerOf(i))));
            }
            delivered += wanted;
            otherLayers += r.inWindow() - wanted;
            duplicates += r.duplicates();
            corrupt += r.corrupt();
            r.addLatencies(audio, video);
            r.addKeyframeLatencies(keyframes);
            r.addSendWaits(sendWaits);
        }
        LatencyHistogram all = new LatencyHistogram();
        all.add(audio);
        all.add(video);
        LatencyHistogram lateness = pacer.takeLateness();
        RunResult result = new RunResult(s, sfu.name(), w.seconds(), delivered, expected, duplicates, corrupt,
                cpu1.minus(cpu0), self1.minus(self0), rssBefore,
                rssEnd, all.quantileNanos(0.5), all.quantileNanos(0.99), lateness.quantileNanos(0.99), pli,
                String.valueOf(firstSubscriber.srtpProfile()), null);
        log.accept(String.format("  %s: delivered %,d of %,d (%.3f %% loss, %,d of a layer not asked for),"
                        + " %.0f pkt/s, server CPU %.0f %% (system %.0f %%), client CPU user %.0f %% + system"
                        + " %.0f %% (%s), p50 %.2f ms, p99 %.2f ms (audio p99 %.2f, video p99 %.2f),"
                        + " pacer lateness p99 %.2f ms, generator's send wait p99 %.2f ms (hand-over known for %d of %d packets),"
                        + " corrupt %d, duplicates %d, PLI to publishers %d, SRTP %s",
                name, delivered, result.expected(), 100 * result.loss(), otherLayers,
                result.deliveredPerSecond(), result.serverCpuPercent(), result.serverSystemCpuPercent(),
                result.clientUserCpuPercent(), result.clientSystemCpuPercent(), io.describe(), all.quantileNanos(0.5) / 1e6,
                all.quantileNanos(0.99) / 1e6, audio.quantileNanos(0.99) / 1e6, video.quantileNanos(0.99) / 1e6,
                lateness.quantileNanos(0.99) / 1e6, sendWaits.quantileNanos(0.99) / 1e6,
                sendWaits.count(), all.count(), corrupt, duplicates, pli, result.srtpProfile()));
        if (video.count() > 0) {
            log.accept(String.format("  %s: video latency p50 %.2f, p90 %.2f, p99 %.2f, p99.9 %.2f, max %.2f ms;"
                            + " key frame packets %.1f %% of video, their p50 %.2f, p99 %.2f ms",
                    name, video.quantileNanos(0.5) / 1e6, video.quantileNanos(0.9) / 1e6,
                    video.quantileNanos(0.99) / 1e6, video.quantileNanos(0.999) / 1e6, video.maxNanos() / 1e6,
                    100.0 * keyframes.count() / video.count(), keyframes.quantileNanos(0.5) / 1e6,
                    keyframes.quantileNanos(0.99) / 1e6));
        }
        return result;
    }

    private static long pliReceived(List<Publisher> publishers) {
        long n = 0;
        for (Publisher p : publishers) {
            n += p.pliReceived();
        }
        return n;
    }

    private static void await(List<Future<?>> futures) throws Exception {
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
