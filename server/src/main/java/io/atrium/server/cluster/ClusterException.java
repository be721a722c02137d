package io.atrium.server.cluster;

/** Redis could not be reached or refused a command: the cluster's one exception type. */
public final class ClusterException extends RuntimeException {

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
