package io.atrium.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.InetAddressSet;

/**
 * IP address literals and the address patterns of {@code http.trusted_proxies} (an address, a CIDR
 * block {@code 10.0.0.0/8} or a range {@code a-b}, IPv4 or IPv6): validated here at start, applied by
 * {@code edge/ClientAddress}; and the block a client counts as in per-address limits ({@link #block}). Never a DNS
 * lookup.
 */
public final class AddressPatterns {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private AddressPatterns() {
    }

    /** Whether {@code pattern} is a valid {@code http.trusted_proxies} entry (literals only, no host names). */
    public static boolean valid(String pattern) {
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

    /** An IPv4 or IPv6 literal ({@code [v6]} allowed), never a DNS lookup. */
    public static Optional<InetAddress> literal(String text) {
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

    /**
     * The client {@code address} counts as in every per-address limit: an IPv6 address's /64 (its first 64 bits, the
     * rest zero), an IPv4 address itself. A /64 is the smallest block a network gives one subscriber or LAN (RFC 6177;
     * SLAAC picks addresses inside it at will), so one client holding 2^64 addresses gets one budget, as a household
     * behind one IPv4 address does. An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}, an IPv4 client of a
     * dual-stack socket) is that IPv4 address: its /64 would hold every IPv4 client.
     */
    public static InetAddress block(InetAddress address) {
        if (!(address instanceof java.net.Inet6Address)) {
            return address;
        }
        byte[] bytes = address.getAddress();
        try {
            if (java.util.Arrays.equals(bytes, 0, 12, MAPPED, 0, 12)) {
                return InetAddress.getByAddress(java.util.Arrays.copyOfRange(bytes, 12, 16));
            }
            java.util.Arrays.fill(bytes, 8, 16, (byte) 0);
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes are always an address
        }
    }

    /** The first 12 bytes of an IPv4-mapped IPv6 address (RFC 4291 2.5.5.2). */
    private static final byte[] MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};
}
