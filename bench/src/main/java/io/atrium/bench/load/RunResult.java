package io.atrium.bench.load;

/**
 * One server's figures over one scenario's window.
 *
 * @param delivered         distinct in-window RTP packets received by all subscribers
 * @param expected          in-window packets sent x subscribers (what a lossless SFU delivers)
 * @param duplicates        in-window packets received more than once
 * @param corrupt           packets whose payload failed the CRC, of any window, since the window was set (a
 *                          corrupt packet's stamp cannot say which window it belongs to)
 * @param serverCpu         server utime and stime over the window
 * @param clientCpu         load generator (this process) utime and stime over the window
 * @param rssBeforeSubscribers server RSS with publishers only (bytes)
 * @param rssEnd            server RSS at the window's end (bytes)
 * @param p50Nanos          one-way latency median, audio and video together
 * @param p99Nanos          one-way latency 99th percentile
 * @param pacerP99Nanos     99th percentile of how late the pacer sent (load generator saturation)
 * @param srtpProfile       the SRTP profile the server negotiated with the first subscriber
 * @param failure           null, or why the run failed
 */
public record RunResult(Scenario scenario, String server, double windowSeconds, long delivered, long expected,
                        long duplicates, long corrupt, ProcStats.Cpu serverCpu, ProcStats.Cpu clientCpu,
                        long rssBeforeSubscribers, long rssEnd, long p50Nanos, long p99Nanos, long pacerP99Nanos,
                        long pliToPublishers, String srtpProfile, String failure) {

    public static RunResult failed(Scenario s, String server, String why) {
        return new RunResult(s, server, 0, 0, 0, 0, 0, ProcStats.Cpu.ZERO, ProcStats.Cpu.ZERO, 0, 0, -1, -1, -1, 0,
                null, why);
    }

    public boolean ok() {
        return failure == null;
    }

    /** Server utime + stime over the window. */
    public double serverCpuSeconds() {
        return serverCpu.total();
    }

    /** Load generator utime + stime over the window. */
    public double clientCpuSeconds() {
        return clientCpu.total();
    }

    /** Packets delivered per server CPU-second. */
    public double packetsPerCpuSecond() {
        return serverCpuSeconds() <= 0 ? Double.NaN : delivered / serverCpuSeconds();
    }

    /** Fraction of expected packets not delivered. */
    public double loss() {
        return expected == 0 ? Double.NaN : Math.max(0, expected - delivered) / (double) expected;
    }

    /** Server RSS growth per subscriber (bytes). */
    public double memoryPerSubscriber() {
        return (rssEnd - rssBeforeSubscribers) / (double) scenario.subscribers();
    }

    /** Server CPU use over the window in percent of one core. */
    public double serverCpuPercent() {
        return 100 * serverCpuSeconds() / windowSeconds;
    }

    /** Server CPU in system (kernel) mode over the window in percent of one core. */
    public double serverSystemCpuPercent() {
        return 100 * serverCpu.system() / windowSeconds;
    }

    public double clientCpuPercent() {
        return 100 * clientCpuSeconds() / windowSeconds;
    }

    public double clientUserCpuPercent() {
        return 100 * clientCpu.user() / windowSeconds;
    }

    public double clientSystemCpuPercent() {
        return 100 * clientCpu.system() / windowSeconds;
    }

    public double deliveredPerSecond() {
        return delivered / windowSeconds;
    }
}
