package io.atrium.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.InetAddressSet;

/**
 * IP address literals and the address patterns of {@code http.trusted_proxies} (an address, a CIDR
 * block {@code 10.0.0.0/8} or a range {@code a-b}, IPv4 or IPv6): validated here at start, applied by
 * {@code edge/ClientAddress}. Never a DNS lookup.
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
}
