package io.atrium.server.recording;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleConsumer;

/**
 * The composite of a recording (docs/RECORDING.md, "Composite"): one 1280x720 H.264 + AAC MP4 of the meeting made by
 * ffmpeg from the finished track files, each placed at the time it started (its first packet's arrival after the
 * recording started). The layout follows who was publishing: the recording is cut where a video track starts or
 * ends, and in each interval the cameras then publishing share a grid; while a screen is shared it takes the left
 * 960x720 and the cameras a column on the right. Audio tracks are delayed to their start and mixed ({@code amix}).
 */
final class Composer {

    static final int WIDTH = 1280;
    static final int HEIGHT = 720;
    static final int SCREEN_WIDTH = 960;
    private static final long TIMEOUT_MINUTES = 120;

    /** One finished track: its file, whether it is audio or a screen share, when its first and last packets came. */
    record Input(Path file, boolean audio, boolean screen, long startMillis, long endMillis) {
    }

    /** A tile: where a video goes on the canvas. */
    record Tile(int x, int y, int width, int height) {
    }

    /** Input {@code input}'s video in {@code tile} from {@code fromMillis} to {@code toMillis} of the recording. */
    record Placement(int input, Tile tile, long fromMillis, long toMillis) {
    }

    private final String ffmpeg;

    Composer(String ffmpeg) {
        this.ffmpeg = ffmpeg;
    }

    /**
     * Where each video goes and when: the recording cut at every video track's start and end; in each interval, the
     * {@link #layout} of the videos publishing through all of it. An input keeping its tile over consecutive
     * intervals has one placement for them.
     */
    static List<Placement> placements(List<Input> inputs) {
        java.util.TreeSet<Long> cuts = new java.util.TreeSet<>();
        for (Input i : inputs) {
            if (!i.audio()) {
                cuts.add(i.startMillis());
                cuts.add(i.endMillis());
            }
        }
        List<Placement> placements = new ArrayList<>();
        Long from = null;
        for (long to : cuts) {
            if (from != null) {
                List<Integer> active = new ArrayList<>();
                for (int n = 0; n < inputs.size(); n++) {
                    Input i = inputs.get(n);
                    if (!i.audio() && i.startMillis() <= from && i.endMillis() >= to) {
                        active.add(n);
                    }
                }
                List<Tile> tiles = layout(active.stream().map(inputs::get).toList());
                for (int k = 0; k < active.size(); k++) {
                    place(placements, new Placement(active.get(k), tiles.get(k), from, to));
                }
            }
            from = to;
        }
        return placements;
    }

    /** Adds {@code p}, or lengthens the input's placement it continues (same tile, ending where {@code p} starts). */
    private static void place(List<Placement> placements, Placement p) {
        for (int k = placements.size() - 1; k >= 0; k--) {
            Placement q = placements.get(k);
            if (q.input() == p.input() && q.tile().equals(p.tile()) && q.toMillis() == p.fromMillis()) {
                placements.set(k, new Placement(q.input(), q.tile(), q.fromMillis(), p.toMillis()));
                return;
            }
        }
        placements.add(p);
    }

    /** The tiles of {@code inputs}' videos publishing together, in input order (audio inputs get none). */
    static List<Tile> layout(List<Input> inputs) {
        long cameras = inputs.stream().filter(i -> !i.audio() && !i.screen()).count();
        boolean screens = inputs.stream().anyMatch(i -> !i.audio() && i.screen());
        int areaX = screens ? SCREEN_WIDTH : 0;
        int areaWidth = screens ? WIDTH - SCREEN_WIDTH : WIDTH;
        int cols = screens ? 1 : (int) Math.ceil(Math.sqrt(cameras));
        int rows = cols == 0 ? 0 : (int) Math.ceil((double) cameras / cols);
        int cellWidth = cols == 0 ? 0 : even(areaWidth / cols);
        int cellHeight = rows == 0 ? 0 : even(Math.min(HEIGHT / rows, screens ? 240 : HEIGHT));
        List<Tile> tiles = new ArrayList<>();
        int camera = 0;
        for (Input i : inputs) {
            if (i.audio()) {
                tiles.add(null);
            } else if (i.screen()) {
                tiles.add(new Tile(0, 0, SCREEN_WIDTH, HEIGHT));
            } else {
                tiles.add(new Tile(areaX + (camera % cols) * cellWidth, (camera / cols) * cellHeight, cellWidth, cellHeight));
                camera++;
            }
        }
        return tiles;
    }

    /** The ffmpeg command line making {@code out}, {@code seconds} long, from {@code inputs}. */
    List<String> command(List<Input> inputs, double seconds, Path out) {
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-y"));
        for (Input i : inputs) {
            cmd.addAll(List.of("-i", i.file().toString()));
        }
        List<Tile> tiles = layout(inputs);
        StringBuilder graph = new StringBuilder(String.format(Locale.ROOT, "color=c=black:s=%dx%d:r=25:d=%.3f[base]",
                WIDTH, HEIGHT, seconds));
        String video = "[base]";
        List<String> audio = new ArrayList<>();
        List<Placement> placements = placements(inputs);
        for (int n = 0; n < inputs.size(); n++) {
            Input i = inputs.get(n);
            if (i.audio()) {
                graph.append(String.format(Locale.ROOT, ";[%d:a]adelay=%d:all=1[a%d]", n, i.startMillis(), n));
                audio.add("[a" + n + "]");
                continue;
            }
            int input = n;
            List<Placement> mine = placements.stream().filter(p -> p.input() == input).toList();
            if (mine.isEmpty()) {
                continue; // a video of no length
            }
            graph.append(String.format(Locale.ROOT, ";[%d:v]setpts=PTS-STARTPTS+%.3f/TB", n, i.startMillis() / 1000.0));
            graph.append(",split=").append(mine.size()); // one copy per placement, each scaled to its tile
            for (int k = 0; k < mine.size(); k++) {
                graph.append(String.format(Locale.ROOT, "[s%d_%d]", n, k));
            }
            for (int k = 0; k < mine.size(); k++) {
                Placement p = mine.get(k);
                Tile t = p.tile();
                graph.append(String.format(Locale.ROOT, ";[s%d_%d]scale=%d:%d:force_original_aspect_ratio=decrease,"
                        + "pad=%d:%d:(ow-iw)/2:(oh-ih)/2[v%d_%d]", n, k, t.width(), t.height(), t.width(), t.height(), n, k));
                graph.append(String.format(Locale.ROOT, ";%s[v%d_%d]overlay=%d:%d:eof_action=pass:enable='between(t,%.3f,%.3f)'"
                        + "[o%d_%d]", video, n, k, t.x(), t.y(), p.fromMillis() / 1000.0, p.toMillis() / 1000.0, n, k));
                video = String.format(Locale.ROOT, "[o%d_%d]", n, k);
            }
        }
        graph.append(";").append(video).append("null[vout]");
        if (!audio.isEmpty()) {
            graph.append(";").append(String.join("", audio))
                    .append(String.format(Locale.ROOT, "amix=inputs=%d:duration=longest:normalize=0[aout]", audio.size()));
        }
        cmd.addAll(List.of("-filter_complex", graph.toString(), "-map", "[vout]"));
        if (!audio.isEmpty()) {
            cmd.addAll(List.of("-map", "[aout]", "-c:a", "aac", "-b:a", "96k"));
        }
        cmd.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-pix_fmt", "yuv420p",
                "-t", String.format(Locale.ROOT, "%.3f", seconds), "-movflags", "+faststart",
                "-progress", "pipe:1", "-nostats", out.toString()));
        return cmd;
    }

    /**
     * Makes the composite; {@code progress} hears 0..1 as ffmpeg reports it. Returns the CPU time ffmpeg used. A
     * failure is a {@link TrackFileException} with ffmpeg's words.
     */
    Duration compose(List<Input> inputs, double seconds, Path out, DoubleConsumer progress) throws IOException {
        Duration cpu = Ffmpeg.run(command(inputs, seconds, out), line -> {
            if (line.startsWith("out_time_us=") && !line.endsWith("N/A")) {
                progress.accept(Math.min(1, Long.parseLong(line.substring(12)) / 1e6 / seconds));
            }
        }, TIMEOUT_MINUTES, "the composite");
        progress.accept(1);
        return cpu;
    }

    private static int even(int n) {
        return n & ~1;
    }
}
