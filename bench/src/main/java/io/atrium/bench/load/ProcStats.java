package io.atrium.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time ({@code /proc/<pid>/stat} utime + stime) and resident memory ({@code /proc/<pid>/status} VmRSS). */
public final class ProcStats {
    /** USER_HZ; 100 on every Linux architecture the JDK runs on (sysconf(_SC_CLK_TCK)). */
    static final double TICKS_PER_SECOND = clockTicks();

    private ProcStats() {
    }

    private static double clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Double.parseDouble(out);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    /** CPU seconds in user and in system (kernel) mode, all threads. */
    public record Cpu(double user, double system) {
        public static final Cpu ZERO = new Cpu(0, 0);

        public double total() {
            return user + system;
        }

        public Cpu minus(Cpu earlier) {
            return new Cpu(user - earlier.user, system - earlier.system);
        }
    }

    /** CPU time the process has used so far, user and system apart. */
    public static Cpu cpu(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            long[] ticks = parseCpuTicks(stat);
            return new Cpu(ticks[0] / TICKS_PER_SECOND, ticks[1] / TICKS_PER_SECOND);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat: " + e.getMessage(), e);
        }
    }

    /** utime and stime in ticks from a /proc/pid/stat line (fields 14 and 15; the command may hold spaces). */
    static long[] parseCpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    /** Resident set size in bytes. */
    public static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e.getMessage(), e);
        }
    }
}
