package io.atrium.server.transport;

/** The media transport could not be set up (socket, certificate, peer creation). */
public class TransportException extends RuntimeException {
    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }

    public TransportException(String message) {
        super(message);
    }
}
