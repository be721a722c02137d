package io.atrium.server.files;

/** What {@link MediaProbe} read from a file: its container and its duration in seconds. */
public record MediaInfo(Container container, double durationSeconds) {
}
