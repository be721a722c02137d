package io.atrium.server.edge;

import static io.atrium.server.config.AddressPatterns.literal;

import io.atrium.server.config.AddressPatterns;
import io.javalin.http.Context;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.util.InetAddressSet;

/**
 * The one rule for "which client is this": the TCP peer, unless the peer is one of
 * {@code http.trusted_proxies}; then {@code X-Forwarded-For} is read from the right (the entry the
 * proxy appended), skipping further trusted proxies, and the first other address is the client. A
 * header from an untrusted peer is ignored, so a client cannot pick its own rate-limit bucket.
 * Header entries are parsed as address literals only (never looked up in DNS; config/AddressPatterns).
 * An IPv6 client is its /64 ({@link #bucket}): every per-address limit counts the block, not the address.
 */
public final class ClientAddress {

    private final InetAddressSet trusted = new InetAddressSet();
    private final boolean any;

    /** {@code proxies}: addresses, CIDR blocks ({@code 10.0.0.0/8}) or ranges ({@code a-b}), IPv4 or IPv6. */
    public ClientAddress(List<String> proxies) {
        for (String p : proxies) {
            trusted.add(p.trim());
        }
        this.any = !proxies.isEmpty();
    }

    /** The client of an HTTP request, as every per-address limit counts it ({@link #resolve}). */
    public String of(Context ctx) {
        return bucket(address(ctx));
    }

    /** The client's own address (an IPv6 one whole), for logs. */
    public String address(Context ctx) {
        return address(ctx.req().getRemoteAddr(), ctx.req().getHeaders("X-Forwarded-For"));
    }

    /**
     * The client for a TCP peer and the request's {@code X-Forwarded-For} headers (in order), as every per-address
     * limit counts it: an IPv4 address, or an IPv6 address's /64 ({@link #bucket}).
     */
    public String resolve(String peer, java.util.Enumeration<String> forwardedFor) {
        return bucket(address(peer, forwardedFor));
    }

    /**
     * The limits' key for {@code address}: an IPv6 address's /64 ({@code 2001:db8:0:0:0:0:0:0/64},
     * {@link AddressPatterns#block}), anything else as it is.
     */
    public static String bucket(String address) {
        Optional<InetAddress> a = literal(address);
        if (a.isEmpty() || !(a.get() instanceof Inet6Address)) {
            return address;
        }
        return AddressPatterns.block(a.get()).getHostAddress() + "/64";
    }

    private String address(String peer, java.util.Enumeration<String> forwardedFor) {
        Optional<InetAddress> peerAddress = literal(peer);
        String client = peerAddress.map(InetAddress::getHostAddress).orElse(peer);
        if (!any || peerAddress.isEmpty() || !trusted.test(peerAddress.get()) || forwardedFor == null
                || !forwardedFor.hasMoreElements()) {
            return client;
        }
        StringBuilder all = new StringBuilder();
        while (forwardedFor.hasMoreElements()) {
            all.append(all.isEmpty() ? "" : ",").append(forwardedFor.nextElement());
        }
        String[] hops = all.toString().split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            Optional<InetAddress> hop = literal(hops[i]);
            if (hop.isEmpty()) {
                break; // a trusted proxy wrote something that is not an address: keep the last good hop
            }
            client = hop.get().getHostAddress();
            if (!trusted.test(hop.get())) {
                break;
            }
        }
        return client;
    }
}
