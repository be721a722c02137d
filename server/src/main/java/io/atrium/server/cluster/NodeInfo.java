package io.atrium.server.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What a node says of itself in its heartbeat ({@code atrium:node:<id>}, docs/SCALING.md): its id, the base
 * URL clients are sent to for the rooms it owns, the addresses its media port announces, its load, when it
 * said so (epoch ms), whether it drains (no new rooms), and its SIP address ({@code host:port}, empty without
 * SIP) where phones dialling a room it runs are sent. Fields a later version adds are ignored, so nodes
 * of two versions see each other during a rolling upgrade.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeInfo(String id, String url, List<String> rtcAddresses, int rooms, int members, double cpu, long at,
                       boolean draining, String sip) {

    public NodeInfo {
        rtcAddresses = rtcAddresses == null ? List.of() : List.copyOf(rtcAddresses);
        sip = sip == null ? "" : sip;
    }

    /** The load placement compares: members weigh most, then rooms. */
    long load() {
        return members * 16L + rooms;
    }
}
