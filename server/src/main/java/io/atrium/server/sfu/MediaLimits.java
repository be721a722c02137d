package io.atrium.server.sfu;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.transport.MediaPeer;
import io.atrium.server.transport.PeerOwner;
import io.atrium.webrtc.sdp.MediaDescription;
import io.atrium.webrtc.sdp.RidDirection;
import io.atrium.webrtc.sdp.SessionDescription;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * What one offer and one sender may cost (issue 11, finding 4; docs/SECURITY.md). Every way into
 * media goes through {@link Negotiator}, which applies these before it makes a peer or a track:
 *
 * <ul>
 *   <li>a publisher sends at most {@code maxPublishedTracks} audio/video m-lines;</li>
 *   <li>a sent m-line has at most {@link #MAX_SIMULCAST_LAYERS} rids (browsers send three);</li>
 *   <li>an m-line declares at most {@link #MAX_SSRCS_PER_MLINE} SSRCs (three layers with RTX and FEC fit);</li>
 *   <li>one identity, and one client address, has at most {@code maxPendingPerIdentity} /
 *       {@code maxPendingPerAddress} peers that are negotiated but not yet connected (429);</li>
 *   <li>a publisher is told to send at most {@code maxPublishBitrate} bits per second of video (the REMB
 *       {@link Publisher} sends every second; {@code rooms.max_publish_kbps}).</li>
 * </ul>
 */
public record MediaLimits(int maxPublishedTracks, int maxPendingPerIdentity, int maxPendingPerAddress, long maxPublishBitrate) {

    /** Simulcast encodings per track: the rids one sent m-line may offer. */
    public static final int MAX_SIMULCAST_LAYERS = 3;
    /** Distinct SSRCs one m-line may declare with {@code a=ssrc}. */
    public static final int MAX_SSRCS_PER_MLINE = 16;

    /** The limits configured under {@code rtc} and {@code rooms}. */
    public static MediaLimits of(AtriumConfig.Rtc rtc, AtriumConfig.Rooms rooms) {
        return new MediaLimits(rtc.maxPublishedTracks(), rtc.maxPendingPeersPerIdentity(), rtc.maxPendingPeersPerAddress(),
                rooms.maxPublishKbps() * 1000L);
    }

    /** The defaults of {@link AtriumConfig.Rtc} and {@link AtriumConfig.Rooms}. */
    public static MediaLimits defaults() {
        return of(new AtriumConfig.Rtc(null, null, null, null), new AtriumConfig.Rooms(null, null, null, null));
    }

    /** Refuses (400) an offer with more m-lines, rids or SSRCs than one peer may have. */
    void checkOffer(SessionDescription offer, boolean publish) {
        int sending = 0;
        for (MediaDescription m : offer.media()) {
            if (m.isRejected()) {
                continue;
            }
            String mid = m.mid().orElse("?");
            long rids = m.rids().stream().filter(r -> r.direction() == RidDirection.SEND).count();
            if (rids > MAX_SIMULCAST_LAYERS) {
                throw new MediaLimitException(400, "too_many_layers", "m-line " + mid + " offers " + rids
                        + " simulcast rids; Atrium accepts at most " + MAX_SIMULCAST_LAYERS + " layers per track");
            }
            Set<Long> ssrcs = new HashSet<>();
            m.ssrcAttributes().forEach(a -> ssrcs.add(a.ssrc()));
            if (ssrcs.size() > MAX_SSRCS_PER_MLINE) {
                throw new MediaLimitException(400, "too_many_ssrcs", "m-line " + mid + " declares " + ssrcs.size()
                        + " SSRCs; Atrium accepts at most " + MAX_SSRCS_PER_MLINE + " per m-line");
            }
            boolean media = m.media().equals("audio") || m.media().equals("video");
            if (publish && media && offer.direction(m).sends()) {
                sending++;
            }
        }
        if (sending > maxPublishedTracks) {
            throw new MediaLimitException(400, "too_many_tracks", "the offer sends " + sending
                    + " audio/video m-lines; one peer may publish at most " + maxPublishedTracks + " (rtc.max_published_tracks)");
        }
    }

    /** Refuses (429) a new peer for {@code owner} when it or its address already has too many peers still connecting. */
    void checkPending(Collection<MediaPeer> peers, PeerOwner owner) {
        int byIdentity = 0;
        int byAddress = 0;
        for (MediaPeer p : peers) {
            if (p.isConnected() || p.isClosed()) {
                continue;
            }
            if (!owner.identity().isEmpty() && owner.identity().equals(p.owner().identity())) {
                byIdentity++;
            }
            if (!owner.address().isEmpty() && owner.address().equals(p.owner().address())) {
                byAddress++;
            }
        }
        if (byIdentity >= maxPendingPerIdentity) {
            throw new MediaLimitException(429, "too_many_pending_peers", "identity " + owner.identity() + " already has "
                    + byIdentity + " peer connections that have not connected yet (rtc.max_pending_peers_per_identity);"
                    + " connect or end one first");
        }
        if (byAddress >= maxPendingPerAddress) {
            throw new MediaLimitException(429, "too_many_pending_peers", "this address already has " + byAddress
                    + " peer connections that have not connected yet (rtc.max_pending_peers_per_address);"
                    + " connect or end one first");
        }
    }
}
