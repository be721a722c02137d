package io.atrium.server.store;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.UUID;

/**
 * Dial-in numbers of rooms (docs/SIP.md): {@value #DIGITS} digits starting with {@value #PREFIX},
 * random and unique, assigned the first time a room's number is asked for and kept from then on.
 */
public final class RoomNumberStore {

    public static final String PREFIX = "8";
    public static final int DIGITS = 7;
    private static final int ATTEMPTS = 20;

    private final Jdbc jdbc;
    private final SecureRandom random = new SecureRandom();

    public RoomNumberStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The room's number, assigned now if it has none. The room must exist. */
    public String numberOf(UUID room) {
        for (int i = 0; i < ATTEMPTS; i++) {
            Optional<String> known = find(room);
            if (known.isPresent()) {
                return known.get();
            }
            String candidate = PREFIX + String.format("%0" + (DIGITS - PREFIX.length()) + "d",
                    random.nextInt((int) Math.pow(10, DIGITS - PREFIX.length())));
            try {
                jdbc.inTransaction(tx -> tx.update("insert into sip_room_numbers (room_uuid, number) values (?, ?)", room, candidate));
                return candidate;
            } catch (StoreException.Duplicate e) {
                // the number is taken, or another request assigned this room's number first: look again
            }
        }
        throw new StoreException("no free dial-in number after " + ATTEMPTS + " attempts", null);
    }

    /** The room a number dials, if any. */
    public Optional<UUID> roomOf(String number) {
        return jdbc.inTransaction(tx -> tx.queryOne("select room_uuid from sip_room_numbers where number = ?",
                rs -> Jdbc.uuid(rs, "room_uuid"), number));
    }

    private Optional<String> find(UUID room) {
        return jdbc.inTransaction(tx -> tx.queryOne("select number from sip_room_numbers where room_uuid = ?",
                rs -> rs.getString(1), room));
    }
}
