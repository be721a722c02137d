package io.atrium.bench.load;

/** N publishers x M subscribers in one room; every subscriber receives every publisher. */
public record Scenario(String name, int publishers, int subscribers, MediaProfile media) {

    /** Parses {@code NxM} (audio + video at {@code kbps}) or {@code NxMa} (audio only). */
    public static Scenario parse(String spec, int kbps) {
        boolean audioOnly = spec.endsWith("a");
        String[] nm = (audioOnly ? spec.substring(0, spec.length() - 1) : spec).split("x");
        if (nm.length != 2) {
            throw new IllegalArgumentException("scenario must be NxM or NxMa (audio only), got " + spec);
        }
        int n = Integer.parseInt(nm[0]);
        int m = Integer.parseInt(nm[1]);
        if (n < 1 || m < 1 || n > 200 || m > 200) {
            throw new IllegalArgumentException("publishers and subscribers must be 1-200, got " + spec);
        }
        return new Scenario(spec, n, m, audioOnly ? MediaProfile.audioOnly() : MediaProfile.audioVideo(kbps));
    }

    /** RTP packets per second the SFU should forward: M x N x (50 audio + video). */
    public double expectedForwardRate() {
        return (double) subscribers * publishers * (50 + media.videoPacketsPerSecond());
    }

    public String label() {
        return publishers + "x" + subscribers + (media.video() ? " A+V" : " audio");
    }
}
