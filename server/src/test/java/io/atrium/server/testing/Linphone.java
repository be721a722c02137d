package io.atrium.server.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * linphone (Debian {@code linphone-cli}, liblinphone and belle-sip 5.1) as a real softphone, headless:
 * {@code linphonec} with a configuration file and home directory written here (one account registering
 * with digest at Atrium on 127.0.0.1, SIP and RTP on free ports, no video, sound from and to files
 * instead of a sound card), typed to on its standard input ({@link #type}), its SIP messages logged
 * ({@link #log}). {@link #close()} quits as a user would (hang up, unregister).
 */
public final class Linphone implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final OutputStream console;

    private Linphone(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
        this.console = process.getOutputStream();
    }

    /** Starts linphonec registered as {@code extension} (digest user {@code user}) at {@code 127.0.0.1:sipPort}. */
    public static Linphone start(int sipPort, String extension, String user, String password) {
        try {
            Path dir = Files.createTempDirectory("linphone-");
            Files.createDirectories(dir.resolve(".local/share/linphone")); // without its database directory the core never starts
            int rtp = Ports.free();
            Path rc = Files.writeString(dir.resolve("linphonerc"), String.join("\n",
                    "[sip]",
                    "bind_address=127.0.0.1",
                    "sip_port=" + Ports.free(),
                    "sip_tcp_port=-1",
                    "sip_tls_port=-1",
                    "default_proxy=0",
                    "[rtp]",
                    "audio_rtp_port=" + rtp,
                    "[video]",
                    "enabled=0",
                    "[net]",
                    "firewall_policy=0",
                    "bind_address=127.0.0.1",
                    "ipv6=0",
                    "[proxy_0]",
                    "reg_proxy=<sip:127.0.0.1:" + sipPort + ";transport=udp>",
                    "reg_identity=sip:" + extension + "@127.0.0.1",
                    "reg_expires=600",
                    "reg_sendregister=1",
                    "[auth_info_0]", // liblinphone: username is the identity's user, userid the digest user
                    "username=" + extension,
                    "userid=" + user,
                    "domain=127.0.0.1",
                    "passwd=" + password,
                    "realm=atrium",
                    ""));
            ProcessBuilder b = new ProcessBuilder("linphonec", "-c", rc.toString(), "-d", "6", "-l", dir.resolve("sip.log").toString())
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
            b.environment().put("HOME", dir.toString());
            Linphone phone = new Linphone(b.start(), dir);
            phone.type("soundcard use files"); // no sound card: play and record files (liblinphone's "use files" mode)
            return phone;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory linphone runs in (its home; where files it plays or records may go). */
    public Path dir() {
        return dir;
    }

    /** Types one command line on linphonec's console, e.g. {@code "call sip:8123456@127.0.0.1:5060"}. */
    public void type(String command) {
        try {
            console.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            console.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** linphone's log so far: its console output and liblinphone's debug log with every SIP message. */
    public String log() {
        try {
            Path sip = dir.resolve("sip.log");
            return Files.readString(dir.resolve("out.log"), StandardCharsets.ISO_8859_1)
                    + (Files.exists(sip) ? Files.readString(sip, StandardCharsets.ISO_8859_1) : "");
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Quits as a user would (hang up, unregister) and waits for linphonec to exit. */
    @Override
    public void close() {
        try {
            type("quit");
        } catch (UncheckedIOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
