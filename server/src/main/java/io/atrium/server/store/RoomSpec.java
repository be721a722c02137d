package io.atrium.server.store;

import java.util.List;
import java.util.UUID;

/**
 * What a create or update writes. {@code passwordHash} is applied according to {@code password}:
 * KEEP leaves the stored one, CLEAR removes it, SET stores {@code passwordHash}.
 */
public record RoomSpec(String name, PasswordChange password, String passwordHash, boolean open,
                       boolean forcePassword, boolean forceWaitingRoom, List<MemberSpec> members, boolean record) {

    public enum PasswordChange { KEEP, CLEAR, SET }

    public record MemberSpec(UUID userId, boolean admin) {
    }
}
