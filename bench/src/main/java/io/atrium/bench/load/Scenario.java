package io.atrium.bench.load;

/**
 * N publishers x M subscribers in one room; every subscriber receives every publisher (with simulcast, one layer
 * of each: subscriber i the layer {@link #layerOf} i).
 */
public record Scenario(String name, int publishers, int subscribers, MediaProfile media) {

    /**
     * Parses {@code NxM} (audio + video at {@code kbps}), {@code NxMa} (audio only) or {@code NxMs} (audio + video
     * in three simulcast layers).
     */
    public static Scenario parse(String spec, int kbps) {
        boolean audioOnly = spec.endsWith("a");
        boolean simulcast = spec.endsWith("s");
        String[] nm = (audioOnly || simulcast ? spec.substring(0, spec.length() - 1) : spec).split("x");
        int n;
        int m;
        try {
            if (nm.length != 2) {
                throw new NumberFormatException();
            }
            n = Integer.parseInt(nm[0]);
            m = Integer.parseInt(nm[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("scenario must be NxM, NxMa (audio only) or NxMs (simulcast), got "
                    + spec);
        }
        if (n < 1 || m < 1 || n > 200 || m > 200) {
            throw new IllegalArgumentException("publishers and subscribers must be 1-200, got " + spec);
        }
        return new Scenario(spec, n, m, audioOnly ? MediaProfile.audioOnly()
                : simulcast ? MediaProfile.simulcast(kbps) : MediaProfile.audioVideo(kbps));
    }

    /** The video layer subscriber {@code index} receives: 0 without simulcast, else {@code index mod 3}; -1 without video. */
    public int layerOf(int index) {
        return !media.video() ? -1 : index % media.layers();
    }

    /** RTP packets per second the SFU should forward: N x (50 audio + the video each subscriber receives). */
    public double expectedForwardRate() {
        double rate = 0;
        for (int i = 0; i < subscribers; i++) {
            int layer = layerOf(i);
            rate += publishers * (50 + (layer < 0 ? 0 : media.videoPacketsPerSecond(layer)));
        }
        return rate;
    }

    public String label() {
        return publishers + "x" + subscribers + (media.simulcast() ? " simulcast" : media.video() ? " A+V" : " audio");
    }
}
