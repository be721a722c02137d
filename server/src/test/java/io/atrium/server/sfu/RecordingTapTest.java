package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.recording.Recorder;
import io.atrium.server.recording.TrackFile;
import io.atrium.server.recording.TrackTap;
import io.atrium.server.testing.Waits;
import io.atrium.webrtc.rtp.RtpPacket;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder's tap on the forward path: a stuck disk (a writer blocked in {@code write}) fills the track's
 * queue, the track's recording stops with a clear reason and counted drops — visible in the recorder's counters
 * while the disk is still stuck — and every packet is still forwarded; once the disk comes back the file is
 * closed with what was written and the failure reported. A full disk (writes failing) ends the track's recording
 * with the disk's own words, and forwarding goes on. With a working recorder attached, the forward path
 * still allocates nothing per packet.
 */
class RecordingTapTest {

    static final TrackInfo VIDEO = new TrackInfo("cam", MediaKind.VIDEO, "0", "VP8", 90000, 96, -1, List.of(), List.of(0x1234L),
            List.of(), 0, 0, 0, 0, 0);

    @TempDir
    Path dir;

    static final class CountingSink extends RtpSink {
        long sent;

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            sent++;
            return true;
        }
    }

    static final class Stream {
        final Publisher publisher = new Publisher(new CountingSink(), List.of(VIDEO), 1, MediaLimits.defaults().maxPublishBitrate());
        final Receiver receiver = publisher.receivers().get(0);
        final CountingSink subscriber = new CountingSink();
        final byte[] packet = new byte[1200];
        int seq;

        Stream() {
            Subscriber s = new Subscriber(subscriber);
            s.addForwarder(new Forwarder(receiver, s, 100, 96, 200, 97, "c"));
        }

        void send(int n) {
            for (int i = 0; i < n; i++, seq++) {
                RtpPacket.writeHeader(packet, 0, true, 96, seq & 0xFFFF, seq * 3000, 0x1234);
                packet[12] = 0x10;
                packet[13] = (byte) (seq % 100 == 0 ? 0x00 : 0x01);
                publisher.onRtp(packet, 0, packet.length, 1_000_000 + seq);
            }
        }
    }

    private static TrackFile.Header header() {
        return new TrackFile.Header("video", "VP8", 90000, 96, "cam", "p", 1_000_000);
    }

    @Test
    void aStuckDiskStopsTheTracksRecordingNotForwarding() throws Exception {
        CountDownLatch diskBack = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        Recorder recorder = new Recorder(path -> new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writing.countDown();
                try {
                    diskBack.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        });
        try {
            Stream stream = new Stream();
            AtomicReference<Recorder.Ended> ended = new AtomicReference<>();
            TrackTap tap = recorder.open(header(), 64, dir.resolve("cam.atrk"), ended::set);
            stream.receiver.tap(tap, r -> tap);
            stream.send(10);
            writing.await(); // the writer thread is now stuck in the disk
            stream.send(2_000);

            assertThat(stream.subscriber.sent).as("forwarded while the disk is stuck").isEqualTo(2_010);
            assertThat(tap.failure()).contains("recording queue of track cam is full (64 packets)")
                    .contains("the meeting goes on");
            assertThat(tap.dropped()).as("all but the 64 queued").isEqualTo(2_010 - 64);
            assertThat(recorder.failedTracks()).as("counted before the writer comes back").isEqualTo(1);
            assertThat(recorder.droppedPackets()).isEqualTo(2_010 - 64);
            assertThat(ended.get()).isNull();

            diskBack.countDown();
            Waits.waitUntil(() -> ended.get() != null, "the failed track's file is closed and reported");
            assertThat(ended.get().failure()).isEqualTo(tap.failure());
            assertThat(recorder.failedTracks()).isEqualTo(1);
        } finally {
            diskBack.countDown();
            recorder.close();
        }
    }

    @Test
    void aFullDiskStopsTheTracksRecordingWithTheReasonNotForwarding() throws Exception {
        Recorder recorder = new Recorder(path -> new OutputStream() {
            private long written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (written + len > 4096) {
                    throw new IOException("No space left on device");
                }
                written += len;
            }
        });
        try {
            Stream stream = new Stream();
            AtomicReference<Recorder.Ended> ended = new AtomicReference<>();
            TrackTap tap = recorder.open(header(), 64, dir.resolve("cam.atrk"), ended::set);
            stream.receiver.tap(tap, r -> tap);
            while (ended.get() == null && stream.seq < 100_000) {
                stream.send(16);
                long sent = stream.seq; // the writer keeps up (the queue never fills) until the disk is full
                Waits.waitUntil(() -> recorder.writtenPackets() >= sent || ended.get() != null, "the writer caught up");
            }
            assertThat(ended.get()).as("the track's file ended").isNotNull();
            assertThat(ended.get().failure()).contains("could not be written (No space left on device)")
                    .contains("the meeting goes on");
            long before = stream.subscriber.sent;
            stream.send(100);
            assertThat(stream.subscriber.sent).as("forwarding goes on").isEqualTo(before + 100).isEqualTo(stream.seq);
            assertThat(recorder.failedTracks()).isEqualTo(1);
        } finally {
            recorder.close();
        }
    }

    @Test
    void recordingATrackAllocatesNothingPerPacketOnTheMediaThread() {
        Recorder recorder = new Recorder();
        try {
            Stream stream = new Stream();
            TrackTap tap = recorder.open(header(), TrackTap.VIDEO_SLOTS, dir.resolve("cam.atrk"), e -> { });
            stream.receiver.tap(tap, r -> tap);
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long allocated = Long.MAX_VALUE;
            // the writer drains concurrently; paced bursts smaller than the queue keep the recording alive
            for (int round = 0; round < 40 && tap.failure() == null; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                stream.send(256);
                allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
                long sent = stream.seq;
                Waits.waitUntil(() -> recorder.writtenPackets() >= sent, "the writer caught up");
            }
            assertThat(tap.failure()).isNull();
            assertThat(stream.subscriber.sent).isEqualTo(stream.seq);
            assertThat(allocated).as("bytes allocated forwarding and recording 256 packets").isLessThan(1024);
        } finally {
            recorder.close();
        }
    }
}
