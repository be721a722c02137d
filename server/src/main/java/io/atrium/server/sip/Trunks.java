package io.atrium.server.sip;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The configured trunks ({@code sip.trunks}). Outbound: a number that is no extension goes to the first
 * trunk as {@code sip:<number>@<address>;transport=<transport>}. Inbound: an INVITE comes from a trunk
 * when its source address is the trunk's host and, over UDP, its source port the trunk's port (phones on
 * the same host are told apart by port), and a trunk configured for TCP only over TCP; it may only ring the
 * extensions its {@code inbound} map names.
 */
final class Trunks {

    /** A trunk with its host resolved once at start. */
    record Resolved(AtriumConfig.Trunk config, InetAddress host, int port) {
        /** The request URI for {@code number} on this trunk. */
        String uri(String number) {
            return "sip:" + number + "@" + config.address() + ";transport=" + config.transport();
        }
    }

    private final List<Resolved> trunks = new ArrayList<>();

    Trunks(List<AtriumConfig.Trunk> configured) {
        for (AtriumConfig.Trunk t : configured) {
            int colon = t.address().lastIndexOf(':');
            String host = t.address().substring(0, colon).replace("[", "").replace("]", "");
            try {
                trunks.add(new Resolved(t, InetAddress.getByName(host), Integer.parseInt(t.address().substring(colon + 1))));
            } catch (UnknownHostException e) {
                throw new ConfigException("sip.trunks: cannot resolve the host of trunk '" + t.name() + "' (" + t.address()
                        + "): " + e.getMessage());
            }
        }
    }

    /** Where calls to numbers that are no extension go; empty without trunks. */
    Optional<Resolved> outbound() {
        return trunks.stream().findFirst();
    }

    /**
     * The trunk an INVITE from {@code source}:{@code port} over {@code transport} came from. Over TCP the source
     * address is the one the handshake proved; over UDP anyone can forge it, so a trunk configured for TCP is never
     * recognised over UDP (docs/SECURITY.md, finding 26). Of several trunks on one host, one configured for the
     * request's transport comes first.
     */
    Optional<Resolved> from(InetAddress source, int port, String transport) {
        boolean udp = "udp".equalsIgnoreCase(transport);
        return trunks.stream().filter(t -> t.host().equals(source)
                        && (!udp || t.port() == port && !"tcp".equalsIgnoreCase(t.config().transport())))
                .min(Comparator.comparing(t -> !t.config().transport().equalsIgnoreCase(transport)));
    }
}
