package io.atrium.server.compat.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atrium.server.room.Params;
import io.atrium.server.room.RpcException;
import io.atrium.server.room.SharedPlayer.Playback;
import io.atrium.server.state.StateService;
import io.atrium.server.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Contract 003's synced player on a fake clock: each {@code video_control} stamps where the video is, keeps the
 * stamp in the room's shared state and tells the room; a player opened later for the room (the node it is placed
 * on next) plays on from the kept stamp.
 */
class SharedVideoTest {

    final ManualClock clock = new ManualClock(1_000_000);
    final List<String> heard = new ArrayList<>();
    final UUID room = UUID.randomUUID();

    static Params params(String json) {
        try {
            return new Params(new ObjectMapper().readTree(json));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    SharedVideo player(StateService state) {
        return new SharedVideo((method, params) -> heard.add(method + " " + params), clock, Playback.of(state, room, Runnable::run,
                Runnable::run));
    }

    /** What a call answers once it is done (its {@link RpcException} thrown). */
    static Object answer(Object result) {
        try {
            return result instanceof CompletionStage<?> later ? later.toCompletableFuture().join() : result;
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    static JsonNode stamp(SharedVideo video) {
        return new ObjectMapper().valueToTree(answer(video.state()));
    }

    @Test
    void theSharedVideoIsStampedWithTheClock() {
        SharedVideo video = player(new StateService());
        assertThat(answer(video.state())).isEqualTo(Map.of());
        assertThat(video.control(params("{\"action\":\"play\",\"file_id\":\"f1\",\"url\":\"/v/f1\",\"position\":10}")))
                .isInstanceOfSatisfying(CompletionStage.class, kept -> assertThat(kept.toCompletableFuture()).isCompletedWithValue(Map.of()));
        clock.advance(2500);
        video.control(params("{\"action\":\"pause\",\"file_id\":\"f1\"}")); // where it is now: 10 + 2.5 s
        assertThat(stamp(video).toString())
                .isEqualTo("{\"file_id\":\"f1\",\"url\":\"/v/f1\",\"action\":\"pause\",\"playing\":false,\"position\":12.5,\"at\":1002500}");
        clock.advance(60_000);
        video.control(params("{\"action\":\"seek\",\"file_id\":\"f1\",\"position\":30}")); // a paused seek stays paused
        assertThat(stamp(video).get("playing").asBoolean()).isFalse();
        video.control(params("{\"action\":\"play\",\"file_id\":\"f1\"}"));
        clock.advance(1000);
        video.control(params("{\"action\":\"seek\",\"file_id\":\"f1\",\"position\":5}")); // a playing seek plays on
        assertThat(stamp(video).get("playing").asBoolean()).isTrue();
        assertThat(stamp(video).get("position").asDouble()).isEqualTo(5.0);
        assertThat(heard).filteredOn(h -> h.startsWith("video_control ")).hasSize(5);
        assertThatThrownBy(() -> answer(video.control(params("{\"action\":\"play\",\"file_id\":\"f2\"}")))).hasMessage("invalid request: url");
        assertThatThrownBy(() -> video.control(params("{\"action\":\"rewind\",\"file_id\":\"f1\"}"))).hasMessage("invalid request: action");
    }

    @Test
    void aPlayerOpenedLaterForTheRoomPlaysOnFromTheKeptStampUntilTheRoomIsGone() {
        StateService state = new StateService();
        SharedVideo first = player(state);
        first.control(params("{\"action\":\"play\",\"file_id\":\"f1\",\"url\":\"/v/f1\",\"position\":10}"));
        JsonNode played = stamp(first);
        assertThat(state.document(room, Playback.DOCUMENT)).as("kept as the room's shared state").contains(played);
        clock.advance(4000);

        SharedVideo next = player(state); // the room's next live room: here, or on the node it is placed on next
        assertThat(stamp(next)).isEqualTo(played);
        next.control(params("{\"action\":\"pause\",\"file_id\":\"f1\"}")); // the same file: no url needed, and it played on
        assertThat(stamp(next).get("position").asDouble()).isEqualTo(14.0);
        assertThat(stamp(next).get("url").asText()).isEqualTo("/v/f1");

        Playback.of(state, room, Runnable::run, Runnable::run).delete(); // the live room emptied
        assertThat(answer(next.state())).isEqualTo(Map.of());
        assertThat(state.isEmpty(room)).as("nothing left of the room: a cluster node releases its lease").isTrue();
    }

    @Test
    void aControlThatCannotBeKeptIsRefusedWholeBeforeAnythingChanges() throws Exception {
        StateService state = new StateService();
        Keeper redis = new Keeper();
        state.keepWith(redis);
        SharedVideo video = player(state);
        Object answer = video.control(params("{\"action\":\"play\",\"file_id\":\"f1\",\"url\":\"/v/f1\"}"));
        assertThat(((CompletionStage<?>) answer).toCompletableFuture().get()).isEqualTo(Map.of());
        assertThat(redis.documents).containsKey(Playback.DOCUMENT);

        JsonNode played = stamp(video);

        redis.failing = true; // Redis is away: the control is refused whole, before anything changes
        assertThatThrownBy(() -> video.control(params("{\"action\":\"pause\",\"file_id\":\"f1\"}")))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(503);
                    assertThat(e.getMessage()).contains("nothing was changed");
                });
        assertThat(stamp(video)).as("the stamp is unchanged").isEqualTo(played);
        assertThat(redis.documents.get(Playback.DOCUMENT)).isEqualTo(played);
        assertThat(heard).as("nobody was told").filteredOn(h -> h.startsWith("video_control ")).hasSize(1);

        redis.failing = false; // the retry is told once
        assertThat(((CompletionStage<?>) video.control(params("{\"action\":\"pause\",\"file_id\":\"f1\"}"))).toCompletableFuture().get())
                .isEqualTo(Map.of());
        assertThat(stamp(video).get("playing").asBoolean()).isFalse();
        assertThat(heard).filteredOn(h -> h.startsWith("video_control ")).hasSize(2);
    }

    /**
     * A node that has none of the room's state in memory reads the playback from a slow Redis off the room's executor
     * (get_video_state and video_control answer later, back on the executor), and deletes it without reading it.
     */
    @Test
    void theRoomsExecutorNeverWaitsOnRedis() throws Exception {
        Keeper redis = new Keeper();
        JsonNode kept = new ObjectMapper().readTree(
                "{\"file_id\":\"f1\",\"url\":\"/v/f1\",\"action\":\"play\",\"playing\":true,\"position\":10,\"at\":1000000}");
        redis.documents.put(Playback.DOCUMENT, kept);
        redis.loading = new CountDownLatch(1); // Redis answers only when the test says
        StateService state = new StateService();
        state.keepWith(redis);
        ExecutorService pool = Executors.newCachedThreadPool();
        BlockingQueue<Runnable> roomExecutor = new LinkedBlockingQueue<>(); // run by the test, as the room's executor
        SharedVideo video = new SharedVideo((method, params) -> heard.add(method + " " + params), clock,
                Playback.of(state, room, pool, roomExecutor::add));
        try {
            clock.advance(2000);
            CompletableFuture<Object> answered = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> video.state())
                    .toCompletableFuture();
            CompletableFuture<?> controlled = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> (CompletionStage<?>) video.control(params("{\"action\":\"pause\",\"file_id\":\"f1\"}"))).toCompletableFuture();
            assertThat(answered).isNotDone();
            assertThat(controlled).isNotDone();

            redis.loading.countDown();
            List<Runnable> back = new ArrayList<>(); // both reads come back to the room's executor, nothing done before
            for (int i = 0; i < 2; i++) {
                back.add(roomExecutor.poll(30, TimeUnit.SECONDS));
            }
            assertThat(back).as("back on the room's executor").doesNotContainNull();
            assertThat(heard).isEmpty();
            int reads = redis.loads.get();
            back.get(0).run(); // the reads came back in either order; each call answers the playback as it is when it runs
            boolean stateFirst = answered.isDone();
            back.get(1).run();
            assertThat(answered).isCompletedWithValue(stateFirst ? kept : state.document(room, Playback.DOCUMENT).orElseThrow());
            assertThat(controlled.getNow(null)).isEqualTo(Map.of());
            assertThat(heard).singleElement().asString().contains("\"position\":12.0");
            assertThat(redis.loads).as("in memory since the calls read it: the stamp needs no read").hasValue(reads);

            StateService another = new StateService(); // a node with none of the room's state in memory
            another.keepWith(redis);
            redis.loading = new CountDownLatch(1); // never answers
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Playback.of(another, room, pool, roomExecutor::add).delete());
            assertThat(redis.documents).doesNotContainKey(Playback.DOCUMENT);
            assertThat(redis.loads).hasValue(reads);
        } finally {
            redis.loading.countDown();
            pool.shutdownNow();
        }
    }

    static final String PLAYING = "{\"file_id\":\"f1\",\"url\":\"/v/f1\",\"action\":\"play\",\"playing\":true,\"position\":10,\"at\":1000000}";

    /**
     * A room whose playback is on a slow Redis and not in this node's memory: reads wait for {@code redis.loading},
     * then come back to {@code roomExecutor}, which the test runs.
     */
    final class SlowRoom implements AutoCloseable {
        final Keeper redis = new Keeper();
        final StateService state = new StateService();
        final ExecutorService pool = Executors.newCachedThreadPool();
        final BlockingQueue<Runnable> roomExecutor = new LinkedBlockingQueue<>();
        final SharedVideo video;

        SlowRoom(String playback) throws Exception {
            redis.documents.put(Playback.DOCUMENT, new ObjectMapper().readTree(playback));
            redis.loading = new CountDownLatch(1);
            state.keepWith(redis);
            video = new SharedVideo((method, params) -> heard.add(method + " " + params), clock, playback());
        }

        Playback playback() {
            return Playback.of(state, room, pool, roomExecutor::add);
        }

        /** Runs the next task back on the room's executor. */
        void runBack() throws InterruptedException {
            Runnable back = roomExecutor.poll(30, TimeUnit.SECONDS);
            assertThat(back).as("back on the room's executor").isNotNull();
            back.run();
        }

        @Override
        public void close() {
            redis.loading.countDown();
            pool.shutdownNow();
        }
    }

    /**
     * Two controls that both waited for one read of the playback from Redis: the second starts from the first's stamp
     * (in memory by then), not from the older one Redis answered.
     */
    @Test
    void twoControlsWaitingForOneReadStartFromEachOthersStamp() throws Exception {
        try (SlowRoom slow = new SlowRoom(PLAYING)) {
            clock.advance(2000);
            CompletableFuture<?> seek = ((CompletionStage<?>) slow.video.control(params("{\"action\":\"seek\",\"file_id\":\"f1\",\"position\":30}")))
                    .toCompletableFuture();
            CompletableFuture<?> pause = ((CompletionStage<?>) slow.video.control(params("{\"action\":\"pause\",\"file_id\":\"f1\"}")))
                    .toCompletableFuture();
            slow.redis.loading.countDown();
            slow.runBack(); // in the order they came: the seek, then the pause
            slow.runBack();
            assertThat(seek.getNow(null)).isEqualTo(Map.of());
            assertThat(pause.getNow(null)).isEqualTo(Map.of());
            JsonNode paused = slow.state.document(room, Playback.DOCUMENT).orElseThrow();
            assertThat(paused.get("position").asDouble()).as("paused where the seek put it, not where Redis's stamp was (12)")
                    .isEqualTo(30.0);
            assertThat(paused.get("playing").asBoolean()).isFalse();
        }
    }

    /** A playback deleted (its live room emptied) while a read of the room's state is under way does not come back with it. */
    @Test
    void aPlaybackDeletedWhileTheRoomIsReadDoesNotComeBack() throws Exception {
        try (SlowRoom slow = new SlowRoom(PLAYING)) {
            CompletableFuture<Object> answered = slow.video.state().toCompletableFuture();
            io.atrium.server.testing.Waits.waitUntil(() -> slow.redis.loads.get() == 1, "Redis answered the read (with the playback)");
            slow.playback().delete(); // the room emptied meanwhile
            assertThat(slow.redis.documents).doesNotContainKey(Playback.DOCUMENT);
            slow.redis.loading.countDown();
            slow.runBack();
            assertThat(answered).isCompletedWithValue(Map.of());
            assertThat(slow.state.document(room, Playback.DOCUMENT)).as("not back in memory either").isEmpty();
        }
    }

    /** A cluster's Redis as {@link StateService} sees it: the documents it was given, and whether keeping fails. */
    static final class Keeper implements StateService.Keeper {
        final Map<String, JsonNode> documents = new ConcurrentHashMap<>();
        final AtomicInteger loads = new AtomicInteger();
        volatile boolean failing;
        /** Each load waits for it (a slow Redis) when set. */
        volatile CountDownLatch loading;

        @Override
        public void document(UUID room, String name, JsonNode value) {
            documents.put(name, value);
        }

        @Override
        public void map(UUID room, String name) {
        }

        @Override
        public void item(UUID room, String name, String key, JsonNode value) {
        }

        @Override
        public void delete(UUID room, String name, Collection<String> items) {
            documents.remove(name);
        }

        @Override
        public void clear(UUID room) {
            documents.clear();
        }

        @Override
        public StateService.Kept load(UUID room) {
            Map<String, JsonNode> read = Map.copyOf(documents); // answered as Redis had it when asked
            loads.incrementAndGet();
            CountDownLatch wait = loading;
            if (wait != null) {
                try {
                    wait.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new StateService.Kept(read, Map.of());
        }

        @Override
        public boolean available() {
            return !failing;
        }

        @Override
        public CompletableFuture<Void> kept(UUID room) {
            return failing ? CompletableFuture.failedFuture(new IllegalStateException("Redis is away")) : CompletableFuture.completedFuture(null);
        }

        @Override
        public void rewriting(UUID room) {
        }
    }
}
