package io.atrium.server.room;

import io.atrium.server.auth.AccessToken;
import io.atrium.server.auth.Grants;
import io.atrium.server.sfu.Receiver;
import java.util.List;
import io.atrium.server.transport.MediaPeer;
import io.atrium.webrtc.sdp.LocalSource;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** A joined member of a live room. Owned by the room's serial executor. */
final class Member {

    final String callId;
    final UUID user;
    final String name;
    boolean admin;
    final long joinedAtMillis;
    AccessToken token;
    /** Rights changed live over REST (null: as the token says); they outlast a refreshed token. */
    Boolean adminOverride;
    Grants grantsOverride;
    Session session;
    /** A token minted by an {@code authenticate} that proved this seat with its token: it may resume the seat too. */
    String provenJti;
    long disconnectedAtMillis;

    boolean handRaised;
    boolean screenShare;
    long screenShareSinceMillis;
    boolean audioMuted;
    boolean videoMuted;
    boolean audioMutedByAdmin;
    boolean videoMutedByAdmin;

    MediaPeer publisher;
    MediaPeer subscriber;
    /** The subscriber connection's SSRCs per mid, kept stable across renegotiations. */
    final Map<String, LocalSource> subscriberSources = new HashMap<>();
    Receiver microphone;
    Receiver camera;
    Receiver screen;

    /** The connection last reported to {@link RoomListener#memberConnected}. */
    MediaPeer announced;

    long lastPacketsIn = -1;
    long lastMediaMillis;
    String quality = "unknown";
    int audioLevel = 127;
    /** The last video allocations and available rate told to this member, to send only changes. */
    Object lastAllocations;
    long lastAvailableRate = -1;

    Member(AccessToken token, Session session, long nowMillis) {
        this.callId = token.identity();
        this.user = token.user().orElse(null);
        this.name = token.name();
        this.admin = token.admin();
        this.token = token;
        this.session = session;
        this.lastMediaMillis = nowMillis;
        this.joinedAtMillis = nowMillis;
    }

    /** {@code t} with the live permission changes applied. */
    AccessToken permit(AccessToken t) {
        return t.withPermissions(adminOverride != null ? adminOverride : t.admin(), grantsOverride != null ? grantsOverride : t.grants());
    }

    MemberState state() {
        return new MemberState(callId, name, admin, java.time.Instant.ofEpochMilli(joinedAtMillis), audioMuted,
                audioMutedByAdmin, videoMuted, screenShare,
                screenShare ? java.time.Instant.ofEpochMilli(screenShareSinceMillis) : null, quality);
    }

    /** Its published tracks: microphone, camera, screen, those it has. */
    List<Receiver> tracks() {
        List<Receiver> list = new java.util.ArrayList<>(3);
        for (Receiver r : new Receiver[] {microphone, camera, screen}) {
            if (r != null) {
                list.add(r);
            }
        }
        return list;
    }

    /** The source a published track of this member is: microphone, camera or screen. */
    String source(Receiver r) {
        return r == microphone ? "microphone" : r == camera ? "camera" : "screen";
    }

    /** The member as clients see it (contract 002 notes' RoomMember, plus connection_quality). */
    RoomMember view() {
        return new RoomMember(callId, user == null ? null : user.toString(), name, admin, handRaised, screenShare, audioMuted,
                videoMuted, audioMutedByAdmin, videoMutedByAdmin, false, quality);
    }

    /** A hidden member (a recorder, an operator, a live stream's viewer) is in no member list and announced to nobody. */
    boolean hidden() {
        return token.grants().hidden();
    }

    /** A member that only receives: joined without an offer, never publishes. */
    boolean receiveOnly() {
        return publisher == null && !token.grants().publish();
    }

    boolean isConnected() {
        return session != null;
    }

    /** A notification to this member's client; dropped while it is disconnected (in the reconnect grace). */
    void notify(String method, Object params) {
        Session s = session;
        if (s != null) {
            s.client.notify(method, params);
        }
    }

    /** The RoomMember shape of contract 002. */
    record RoomMember(String id, String user, String name, boolean isAdmin, boolean handRaised, boolean screenShare,
                      boolean audioMuted, boolean videoMuted, boolean audioMutedByAdmin, boolean videoMutedByAdmin,
                      boolean isSip, String connectionQuality) {
    }
}
