package io.atrium.server.transport;

/**
 * Who asked for a peer: the token identity and the client's address as the edge saw it. Used to bound
 * peers that are negotiated but not yet connected (sfu.MediaLimits); empty strings mean unknown.
 */
public record PeerOwner(String identity, String address) {

    /** An owner that counts against no one (server-made peers, tests). */
    public static final PeerOwner NONE = new PeerOwner("", "");

    public PeerOwner {
        identity = identity == null ? "" : identity;
        address = address == null ? "" : address;
    }
}
