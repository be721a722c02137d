package io.atrium.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.edge.Json;
import io.atrium.server.sip.audio.OpusCodec;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.Waits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** ffprobe and ffmpeg over a media file, as the recording tests check what they made. */
public final class Media {
    private Media() {
    }

    /** ffprobe's streams and format of {@code file}, with counted frames. */
    public static JsonNode probe(Path file) {
        String out = run(List.of("ffprobe", "-v", "error", "-count_frames", "-show_streams", "-show_format", "-of", "json",
                file.toString()));
        try {
            return Json.MAPPER.readTree(out);
        } catch (IOException e) {
            throw new AssertionError("ffprobe printed no JSON: " + out, e);
        }
    }

    /**
     * Decodes the whole file; asserts that ffmpeg reports no error. Frames keep their own timestamps in the file's
     * own time base ({@code -fps_mode passthrough -enc_time_base -1}): a variable frame rate (a screen share's frames
     * 21 ms apart, a loaded camera's two frames 5 ms apart) is no error, but ffmpeg's default, one tick per frame at
     * the guessed rate, would round two of them onto one tick and report a non-monotonic timestamp.
     */
    public static void assertDecodesCleanly(Path file) {
        assertThat(run(List.of("ffmpeg", "-nostdin", "-v", "error", "-i", file.toString(), "-fps_mode", "passthrough",
                "-enc_time_base", "-1", "-f", "null", "-")).strip())
                .as("ffmpeg errors decoding %s", file).isEmpty();
    }

    /**
     * Sends {@code packets} 20 ms Opus frames of a 440 Hz tone (Concentus) from {@code peer}, in real time: the
     * recorder keeps arrival times, so a burst would not be a recording of that length.
     */
    public static void sendTone(JavaPeer peer, int packets) {
        new Tone(peer).send(packets);
    }

    /** A 440 Hz Opus tone sent in real time, each {@link #send} continuing where the last one stopped. */
    static final class Tone {
        private final JavaPeer peer;
        private final OpusCodec opus = new OpusCodec(32_000, 5);
        private int i;

        Tone(JavaPeer peer) {
            this.peer = peer;
        }

        void send(int packets) {
            short[] pcm = new short[960];
            byte[] out = new byte[OpusCodec.MAX_PAYLOAD];
            long next = System.nanoTime();
            for (int end = i + packets; i < end; i++) {
                for (int s = 0; s < pcm.length; s++) {
                    pcm[s] = (short) (8000 * Math.sin(2 * Math.PI * 440 * (i * 960 + s) / 48_000.0));
                }
                peer.sendAudio(i, i * 960, 30, java.util.Arrays.copyOf(out, opus.encode(pcm, out, 0)));
                next += 20_000_000;
                Waits.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
            }
        }
    }

    /** The audio of {@code file} decoded to 48 kHz mono 16-bit samples. */
    public static short[] pcm(Path file) {
        try {
            Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-i", file.toString(), "-vn", "-ac", "1",
                    "-ar", "48000", "-f", "s16le", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] bytes = p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).as("ffmpeg decoding the audio of %s", file).isZero();
            short[] samples = new short[bytes.length / 2];
            java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
            return samples;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The share of 100 ms blocks of 48 kHz {@code pcm} with sound in which {@code frequency} carries at least a tenth
     * of the energy (a tone that is there through a recording, with its gaps and concealment, scores near 1).
     */
    public static double tonePresence(short[] pcm, double frequency) {
        int block = 4800;
        int loud = 0;
        int with = 0;
        short[] b = new short[block];
        for (int at = 0; at + block <= pcm.length; at += block) {
            System.arraycopy(pcm, at, b, 0, block);
            double energy = 0;
            for (short s : b) {
                energy += (double) s * s;
            }
            if (energy / block < 100 * 100) {
                continue; // silence (before a track started, or a gap)
            }
            loud++;
            if (io.atrium.server.testing.Goertzel.power(b, block, 48_000, frequency) > 0.1) {
                with++;
            }
        }
        return loud == 0 ? 0 : (double) with / loud;
    }

    static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("%s exit; output: %s", command, out).isZero();
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
