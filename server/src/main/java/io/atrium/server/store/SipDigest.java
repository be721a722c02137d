package io.atrium.server.store;

/** What SIP digest authentication needs of a password: HA1 = H(username:realm:password) for one algorithm. */
public record SipDigest(String realm, String algorithm, String ha1) {
}
