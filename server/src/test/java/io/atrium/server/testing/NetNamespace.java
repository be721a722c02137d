package io.atrium.server.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux network namespace made for one test ({@code ip netns}, Debian's {@code iproute2}; needs root),
 * joined to the host by a veth pair on a private /30: the host end is {@link #hostAddress}, the namespace
 * end {@link #innerAddress}. Programs run inside with {@link #run} or through {@link #wrapper},
 * {@link #dropUdpTo} and {@link #loseUdp} add nftables rules (Debian's {@code nftables}) inside the namespace, and
 * {@link #limitRate} shapes the host's traffic into it ({@code tc} tbf; {@link #queuedPackets} reads its queue). {@link #close}
 * (also run at JVM exit) deletes the namespace, which also removes the veth pair and the rules.
 * <p>
 * The host end is an interface of the machine while the namespace lives, so a browser anywhere on the machine
 * gathers it as a candidate: a test class that makes one runs alone ({@code @Isolated}).
 *
 * <pre>
 *   host                                 namespace atrium-XXXX
 *   veth atrh-XXXX 10.237.N.1/30 ─────── veth atrn-XXXX 10.237.N.2/30 (lo up)
 * </pre>
 */
public final class NetNamespace implements AutoCloseable {

    static final String PREFIX = "atrium-";
    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+)");
    private static final Pattern BACKLOG = Pattern.compile("backlog \\S+ (\\d+)p");

    private final String name;
    private final String hostLink;
    private final String innerLink;
    private final InetAddress hostAddress;
    private final InetAddress innerAddress;

    private NetNamespace(String name, String hostLink, String innerLink, InetAddress hostAddress, InetAddress innerAddress) {
        this.name = name;
        this.hostLink = hostLink;
        this.innerLink = innerLink;
        this.hostAddress = hostAddress;
        this.innerAddress = innerAddress;
    }

    /** Makes a namespace and its veth pair, both ends up with addresses; returns once the namespace reaches the host. */
    public static NetNamespace create() {
        String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        int block = ThreadLocalRandom.current().nextInt(64) * 4; // a /30 in 10.237.<id>.0/24
        String net = "10.237." + ThreadLocalRandom.current().nextInt(1, 255) + ".";
        NetNamespace ns;
        try {
            ns = new NetNamespace(PREFIX + id, "atrh-" + id, "atrn-" + id, InetAddress.getByName(net + (block + 1)),
                    InetAddress.getByName(net + (block + 2)));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        exec("ip", "netns", "add", ns.name);
        Runtime.getRuntime().addShutdownHook(new Thread(ns::close, "netns-" + id)); // if a test never reaches close
        try {
            exec("ip", "link", "add", ns.hostLink, "type", "veth", "peer", "name", ns.innerLink);
            exec("ip", "link", "set", ns.innerLink, "netns", ns.name);
            exec("ip", "addr", "add", ns.hostAddress.getHostAddress() + "/30", "dev", ns.hostLink);
            exec("ip", "link", "set", ns.hostLink, "up");
            ns.run("ip", "addr", "add", ns.innerAddress.getHostAddress() + "/30", "dev", ns.innerLink);
            ns.run("ip", "link", "set", ns.innerLink, "up");
            ns.run("ip", "link", "set", "lo", "up");
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /** The host's end of the veth pair: bind a server here to be reachable from inside. */
    public InetAddress hostAddress() {
        return hostAddress;
    }

    /** The namespace's own address. */
    public InetAddress innerAddress() {
        return innerAddress;
    }

    /**
     * Adds {@code cidr} (e.g. {@code 2001:db8:7::1/64}) to the host's end of the veth pair ({@code host}) or the
     * namespace's; an IPv6 address without duplicate address detection, so that it is usable at once.
     */
    public void addAddress(boolean host, String cidr) {
        List<String> command = new ArrayList<>(List.of("ip", "addr", "add", cidr, "dev",
                host ? hostLink : innerLink));
        if (cidr.contains(":")) {
            command.add("nodad");
        }
        if (host) {
            exec(command.toArray(String[]::new));
        } else {
            run(command.toArray(String[]::new));
        }
    }

    /** Runs {@code command} inside the namespace and returns its output; fails on a non-zero exit. */
    public String run(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return exec(full.toArray(String[]::new));
    }

    /**
     * An executable script in {@code dir} that runs {@code program} inside the namespace with the
     * script's arguments and inherited descriptors (e.g. Chromium's {@code --remote-debugging-pipe}).
     */
    public Path wrapper(Path dir, Path program) {
        Path script = dir.resolve(name + "-" + program.getFileName());
        try {
            Files.writeString(script, "#!/bin/sh\nexec ip netns exec " + name + " " + program + " \"$@\"\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + script + ": " + e, e);
        }
        return script;
    }

    /** Drops (and counts) UDP from inside the namespace to {@code address:port}, as a firewall that lets only TCP out would. */
    public void dropUdpTo(InetAddress address, List<Integer> ports) {
        run("nft", "add", "table", "inet", "atrium");
        run("nft", "add", "chain", "inet", "atrium", "out", "{ type filter hook output priority 0; policy accept; }");
        run("nft", "add", "rule", "inet", "atrium", "out", "ip", "daddr", address.getHostAddress(), "udp", "dport",
                "{ " + ports.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + " }", "counter", "drop");
    }

    /** Packets the {@link #dropUdpTo} rule has dropped so far. */
    public long droppedUdp() {
        return counter("out");
    }

    /**
     * Drops (and counts) {@code percent} % of the UDP packets coming into the namespace, at random
     * ({@code numgen random}: this kernel has no netem); 0 stops dropping.
     */
    public void loseUdp(int percent) {
        run("nft", "add", "table", "inet", "atrium");
        run("nft", "add", "chain", "inet", "atrium", "in", "{ type filter hook input priority 0; policy accept; }");
        run("nft", "flush", "chain", "inet", "atrium", "in");
        if (percent > 0) {
            run("nft", "add", "rule", "inet", "atrium", "in", "meta", "l4proto", "udp", "numgen", "random", "mod", "100", "<",
                    String.valueOf(percent), "counter", "drop");
        }
    }

    /** Packets the {@link #loseUdp} rule has dropped so far. */
    public long lostUdp() {
        return counter("in");
    }

    private long counter(String chain) {
        Matcher m = COUNTER.matcher(run("nft", "list", "chain", "inet", "atrium", chain));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /**
     * Limits what the host sends into the namespace to {@code kbps} (a tbf qdisc on the host end of the veth;
     * this kernel has no netem): packets beyond the rate wait in a queue of {@code latencyMillis} at most, then
     * are dropped. Replaces an earlier limit.
     */
    public void limitRate(int kbps, int latencyMillis) {
        exec("tc", "qdisc", "replace", "dev", hostLink, "root", "tbf", "rate", kbps + "kbit", "burst", "10kb", "latency",
                latencyMillis + "ms");
    }

    /** Packets waiting in the {@link #limitRate} queue now. */
    public long queuedPackets() {
        Matcher m = BACKLOG.matcher(exec("tc", "-s", "qdisc", "show", "dev", hostLink));
        if (!m.find()) {
            throw new IllegalStateException("no backlog in tc's statistics of " + hostLink);
        }
        return Long.parseLong(m.group(1));
    }

    /** Lifts a {@link #limitRate} limit. */
    public void unlimitRate() {
        exec("tc", "qdisc", "del", "dev", hostLink, "root");
    }

    /** Deletes the namespace (and with it the veth pair and its rules). */
    @Override
    public void close() {
        execQuietly("ip", "netns", "del", name);
        execQuietly("ip", "link", "del", hostLink); // gone with the namespace already, unless it was never moved in
    }

    private static void execQuietly(String... command) {
        try {
            exec(command);
        } catch (RuntimeException e) {
            // already gone
        }
    }

    private static String exec(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + out.strip()
                        + (command[0].equals("ip") ? " (network namespaces need root and iproute2)" : ""));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
