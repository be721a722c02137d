package io.atrium.server.sfu;

/** Audio or video: what an m-line carries. */
public enum MediaKind {
    AUDIO, VIDEO;

    public static MediaKind of(String sdpMedia) {
        return switch (sdpMedia) {
            case "audio" -> AUDIO;
            case "video" -> VIDEO;
            default -> throw new IllegalArgumentException("not a media kind: " + sdpMedia);
        };
    }
}
