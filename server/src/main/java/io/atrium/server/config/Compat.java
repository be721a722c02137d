package io.atrium.server.config;

/**
 * Settings of the contract facades (docs/CONTRACTS.md): {@code compat.live} for the interactive
 * live streaming endpoints (contract 000) and {@code compat.meetings} for the waiting-room meetings
 * (contract 001).
 */
public record Compat(Live live, Meetings meetings) {

    public Compat {
        live = live != null ? live : new Live(null, null, null);
        meetings = meetings != null ? meetings : new Meetings(null, null);
    }

    /**
     * The well-known development passcode of the facades ({@code /live/}, the {@code /meetings/} admin),
     * used only with {@code --dev} and printed at start, as the API key {@code devkey}/{@code secret} is.
     */
    public static final String DEV_PASSCODE = "devpass";

    /** These settings as {@code --dev} runs them: an unset passcode is {@link #DEV_PASSCODE}, so every facade works out of the box. */
    public Compat forDev() {
        Live l = live.passcode().isEmpty() ? new Live(DEV_PASSCODE, live.passcodeExpiresAt(), live.emptyStreamTimeoutSeconds()) : live;
        Meetings m = meetings.adminPasscode().isEmpty() ? new Meetings(meetings.idDigits(), DEV_PASSCODE) : meetings;
        return new Compat(l, m);
    }

    /**
     * Contract 000. {@code passcode}: the value every request's {@code Authorization} header must
     * equal (empty: every request is refused with "passcode incorrect"); {@code passcodeExpiresAt}:
     * ISO-8601 instant after which it is refused with "passcode expired" (empty: never);
     * {@code emptyStreamTimeoutSeconds}: a stream whose room has emptied ends after this long.
     */
    public record Live(String passcode, String passcodeExpiresAt, Integer emptyStreamTimeoutSeconds) {
        public Live {
            passcode = passcode != null ? passcode : "";
            passcodeExpiresAt = passcodeExpiresAt != null ? passcodeExpiresAt : "";
            emptyStreamTimeoutSeconds = emptyStreamTimeoutSeconds != null ? emptyStreamTimeoutSeconds : 300;
        }

        /** The expiry, or null for never (validated at start). */
        public java.time.Instant expiry() {
            return passcodeExpiresAt.isBlank() ? null : java.time.Instant.parse(passcodeExpiresAt.trim());
        }
    }

    /**
     * Contract 001. {@code idDigits}: length of a new meeting id when {@code n_digits} is not given;
     * {@code adminPasscode}: besides the server's API credentials, the admin endpoints accept this
     * value as {@code Authorization} (or {@code Bearer <passcode>}); empty: API credentials only.
     */
    public record Meetings(Integer idDigits, String adminPasscode) {
        public Meetings {
            idDigits = idDigits != null ? idDigits : 6;
            adminPasscode = adminPasscode != null ? adminPasscode : "";
        }
    }
}
