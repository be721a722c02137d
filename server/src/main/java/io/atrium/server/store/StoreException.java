package io.atrium.server.store;

/** A storage failure: the database is unreachable or a statement failed. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }

    /** A unique constraint was violated; {@code field} names the input that collided. */
    public static final class Duplicate extends StoreException {
        private final String field;

        public Duplicate(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** A referenced row does not exist; {@code field} names the reference in the input. */
    public static final class MissingReference extends StoreException {
        private final String field;

        public MissingReference(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
