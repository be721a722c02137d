package io.atrium.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * baresip (Debian {@code baresip}) as a real softphone, headless: a config directory written here (one
 * account registering with digest at Atrium on 127.0.0.1, Opus only), its microphone the {@code ausine}
 * module (a sine at a given frequency), what it hears dumped by the {@code sndfile} module to a WAV
 * file, and its keyboard the {@code cons} module on a UDP port ({@link #type}). {@link #close()} ends it
 * as a user would (SIGTERM: baresip hangs up, unregisters and closes the WAV).
 */
public final class Baresip implements AutoCloseable {

    private static final Path MODULES = Path.of("/usr/lib/baresip/modules");

    private final Process process;
    private final Path dir;
    private final int consPort;
    /** Whether {@link #freeze} stopped it. */
    private boolean frozen;

    private Baresip(Process process, Path dir, int consPort) {
        this.process = process;
        this.dir = dir;
        this.consPort = consPort;
    }

    /**
     * Starts baresip registered as {@code extension} (digest user {@code user}) at {@code 127.0.0.1:sipPort},
     * its microphone a {@code toneHz} sine, and waits until it is ready. Its ports are picked free, then released
     * for baresip to bind: another socket may take one meanwhile (run J: a baresip that never registered), so a
     * baresip that could not bind one is started again on new ports.
     */
    public static Baresip start(int sipPort, String extension, String user, String password, int toneHz) {
        for (int attempt = 1; ; attempt++) {
            Baresip b = launch(sipPort, extension, user, password, toneHz);
            String failure = b.awaitReady();
            if (failure == null) {
                return b;
            }
            b.close();
            if (!failure.contains(PORT_TAKEN) || attempt == 5) {
                throw new AssertionError("baresip did not start (attempt " + attempt + "):\n" + failure);
            }
        }
    }

    private static final String PORT_TAKEN = "Address already in use";

    /** Null once baresip says it is ready with every port bound, else why not (with its log). */
    private String awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            boolean alive = process.isAlive();
            String log = log();
            if (log.contains(PORT_TAKEN)) {
                return log;
            }
            if (log.contains("baresip is ready")) {
                return null;
            }
            if (!alive) {
                return "exited before it was ready:\n" + log;
            }
            Waits.sleep(50);
        }
        return "not ready within 30 s:\n" + log();
    }

    private static Baresip launch(int sipPort, String extension, String user, String password, int toneHz) {
        try {
            Path dir = Files.createTempDirectory("baresip-");
            Path dumps = Files.createDirectories(dir.resolve("heard"));
            int sip = Ports.free();
            int cons = Ports.free();
            int rtp = Ports.free();
            Files.writeString(dir.resolve("accounts"), "<sip:" + extension + "@127.0.0.1:" + sipPort + ";transport=udp>;auth_user=" + user
                    + ";auth_pass=" + password + ";regint=600;audio_codecs=opus/48000/2\n");
            Files.writeString(dir.resolve("contacts"), "");
            Files.writeString(dir.resolve("config"), String.join("\n",
                    "poll_method epoll",
                    "sip_listen 127.0.0.1:" + sip,
                    "call_local_timeout 120",
                    "audio_player aubridge,nowhere",
                    "audio_source ausine," + toneHz,
                    "audio_alert aubridge,nowhere",
                    "ausrc_srate 48000",
                    "ausrc_channels 2",
                    "rtp_ports " + rtp + "-" + (rtp + 1),
                    "rtcp_mux no",
                    "jitter_buffer_delay 1-10",
                    "module_path " + MODULES,
                    "module g711.so",
                    "module opus.so",
                    "module ausine.so",
                    "module aubridge.so",
                    "module sndfile.so",
                    "module cons.so",
                    "module_tmp account.so",
                    "module_app menu.so",
                    "cons_listen 127.0.0.1:" + cons,
                    "snd_path " + dumps,
                    "net_interface 127.0.0.1",
                    ""));
            Process p = new ProcessBuilder("baresip", "-4", "-f", dir.toString()).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("out.log").toFile()).start();
            return new Baresip(p, dir, cons);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Types {@code keys} on baresip's console, e.g. {@code "/dial 8123456\n"}. */
    public void type(String keys) {
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] b = keys.getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), consPort));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** baresip's console output so far (its log). */
    public String log() {
        try {
            return Files.readString(dir.resolve("out.log"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * Freezes baresip (SIGSTOP) as a phone that vanishes mid-call: it sends nothing more, no RTP and no BYE, and
     * answers nothing, until {@link #close()} lets it run again to end.
     */
    public void freeze() {
        signal("STOP");
        frozen = true;
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends baresip as a user would (SIGTERM: hang up, unregister) and waits for it to exit. */
    @Override
    public void close() {
        if (frozen && process.isAlive()) {
            signal("CONT");
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How much of the received audio baresip has dumped so far (bytes; 16-bit stereo at 48 kHz). */
    public long heardBytes() {
        try (Stream<Path> files = Files.list(dir.resolve("heard"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("-dec.wav")).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * After {@link #close()}: what the phone heard from the call (the decoded stream {@code sndfile}
     * dumped), as 48 kHz mono (the first channel).
     */
    public short[] heard() {
        try (Stream<Path> files = Files.list(dir.resolve("heard"))) {
            Path wav = files.filter(f -> f.getFileName().toString().endsWith("-dec.wav")).findFirst()
                    .orElseThrow(() -> new AssertionError("baresip dumped no received audio:\n" + log()));
            return firstChannel(Files.readAllBytes(wav));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first channel of a 16-bit PCM WAV file (chunks walked to {@code data}). */
    static short[] firstChannel(byte[] wav) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        int channels = 1;
        int pos = 12;
        while (pos + 8 <= wav.length) {
            String id = new String(wav, pos, 4, StandardCharsets.US_ASCII);
            int size = b.getInt(pos + 4);
            if (id.equals("fmt ")) {
                channels = b.getShort(pos + 10);
            } else if (id.equals("data")) {
                int end = size <= 0 || pos + 8 + size > wav.length ? wav.length : pos + 8 + size; // unfinished header: to the end
                short[] pcm = new short[(end - pos - 8) / 2 / channels];
                for (int i = 0; i < pcm.length; i++) {
                    pcm[i] = b.getShort(pos + 8 + i * 2 * channels);
                }
                return pcm;
            }
            pos += 8 + size + (size & 1);
        }
        throw new AssertionError("no data chunk in the WAV baresip wrote");
    }
}
