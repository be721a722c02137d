package io.atrium.server.files;

/** The video containers Atrium accepts, with the Content-Type they are served with. */
public enum Container {
    MP4("video/mp4", ".mp4"),
    QUICKTIME("video/quicktime", ".mov"),
    WEBM("video/webm", ".webm"),
    MATROSKA("video/x-matroska", ".mkv");

    private final String contentType;
    private final String extension;

    Container(String contentType, String extension) {
        this.contentType = contentType;
        this.extension = extension;
    }

    public String contentType() {
        return contentType;
    }

    /** The usual file name extension, with its dot. */
    public String extension() {
        return extension;
    }

    /** The container served with {@code contentType}, for metadata read back from the database. */
    public static Container ofContentType(String contentType) {
        for (Container c : values()) {
            if (c.contentType.equals(contentType)) {
                return c;
            }
        }
        throw new IllegalArgumentException("not a video content type: " + contentType);
    }
}
