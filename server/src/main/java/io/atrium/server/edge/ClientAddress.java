package io.atrium.server.edge;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.InetAddressSet;

/**
 * The one rule for "which client is this": the TCP peer, unless the peer is one of
 * {@code http.trusted_proxies}; then {@code X-Forwarded-For} is read from the right (the entry the
 * proxy appended), skipping further trusted proxies, and the first other address is the client. A
 * header from an untrusted peer is ignored, so a client cannot pick its own rate-limit bucket.
 * Header entries are parsed as address literals only (never looked up in DNS).
 */
public final class ClientAddress {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final InetAddressSet trusted = new InetAddressSet();
    private final boolean any;

    /** {@code proxies}: addresses, CIDR blocks ({@code 10.0.0.0/8}) or ranges ({@code a-b}), IPv4 or IPv6. */
    public ClientAddress(List<String> proxies) {
        for (String p : proxies) {
            trusted.add(p.trim());
        }
        this.any = !proxies.isEmpty();
    }

    /** Whether {@code pattern} is a valid {@code http.trusted_proxies} entry (literals only, no host names). */
    public static boolean validPattern(String pattern) {
        String p = pattern.trim();
        int slash = p.indexOf('/');
        if (slash >= 0 && !p.substring(slash + 1).matches("\\d{1,3}")) {
            return false;
        }
        for (String address : (slash >= 0 ? p.substring(0, slash) : p).split("-", 2)) {
            if (literal(address).isEmpty()) {
                return false;
            }
        }
        try {
            new InetAddressSet().add(p);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The client address of an HTTP request. */
    public String of(Context ctx) {
        return resolve(ctx.req().getRemoteAddr(), ctx.req().getHeaders("X-Forwarded-For"));
    }

    /** The client address for a TCP peer and the request's {@code X-Forwarded-For} headers (in order). */
    public String resolve(String peer, java.util.Enumeration<String> forwardedFor) {
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

    /** An IPv4 or IPv6 literal ({@code [v6]} allowed), never a DNS lookup. */
    static Optional<InetAddress> literal(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (!IPV4.matcher(s).matches() && !IPV6.matcher(s).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
