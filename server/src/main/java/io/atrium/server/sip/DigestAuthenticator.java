package io.atrium.server.sip;

import io.atrium.server.auth.FailureLimiter;
import io.atrium.server.auth.SipDigests;
import io.atrium.server.edge.ClientAddress;
import io.atrium.server.store.SipAccount;
import io.atrium.server.store.UserStore;
import java.text.ParseException;
import io.atrium.server.config.AtriumConfig;
import java.time.Clock;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Optional;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Digest authentication of requests from phones (RFC 3261 22.4, RFC 8760): challenges with the
 * algorithms of {@code sip.digest_algorithms} (SHA-256 and MD5, most preferred first, qop=auth), checks a response against the stored HA1 of the user's
 * realm, accepts each verified credential once ({@link ReplayCache}), and counts failures per source address (an IPv6
 * one's /64, as every per-address limit does) in one-minute windows ({@link FailureLimiter}, bounded: a flood of addresses never lifts a block). Once an address
 * reaches {@code sip.auth_failures_per_minute}, every request from it is refused (403) until its window ends, right
 * credentials too, so a scanner learns nothing from guessing. A nonce this server did not issue (its MAC, checked
 * first and cheaply) is a failure without a look-up of the user. A wrong password and an unknown user get the same answer.
 */
final class DigestAuthenticator {

    /** What became of a request. */
    sealed interface Result {
    }

    /** Authenticated as this account, with this digest algorithm ({@code SHA-256} or {@code MD5}). */
    record Ok(SipAccount account, String algorithm) implements Result {
    }

    /** Answer 401 with fresh challenges; {@code stale}: the nonce was good but old. */
    record Challenge(boolean stale) implements Result {
    }

    /** Answer 403 with this reason. */
    record Refused(String reason) implements Result {
    }

    static final String BAD_CREDENTIALS = "Bad credentials";
    static final String RATE_LIMITED = "Too many failed authentications";

    private final UserStore users;
    private final String realm;
    private final SipFactories sip;
    private final List<String> offered;
    private final Nonces nonces;
    private final FailureLimiter limiter;
    private final int failuresPerMinute;
    private final ReplayCache replays;

    DigestAuthenticator(UserStore users, AtriumConfig.Sip config, SipFactories sip, Clock clock) {
        this.users = users;
        this.realm = config.realm();
        this.offered = config.digestAlgorithms();
        this.sip = sip;
        this.nonces = new Nonces(clock);
        this.limiter = new FailureLimiter(clock, 60);
        this.failuresPerMinute = config.authFailuresPerMinute();
        this.replays = new ReplayCache(ReplayCache.MAX_ENTRIES, clock);
    }

    /** {@code address}: the request's source address; its failures count with its /64's if IPv6 ({@link ClientAddress#bucket}). */
    Result authenticate(Request request, String address) {
        String source = ClientAddress.bucket(address);
        if (limiter.retryAfterSeconds(source, failuresPerMinute) > 0) {
            return new Refused(RATE_LIMITED);
        }
        AuthorizationHeader h = credentials(request);
        if (h == null || h.getUsername() == null || h.getResponse() == null) {
            return new Challenge(false);
        }
        String algorithm = h.getAlgorithm() == null ? SipDigests.MD5 : h.getAlgorithm().toUpperCase(Locale.ROOT);
        if (!offered.contains(algorithm)) {
            return new Challenge(false);
        }
        Nonces.State nonce = nonces.check(h.getNonce());
        if (nonce == Nonces.State.STALE) {
            return new Challenge(true);
        }
        if (nonce == Nonces.State.INVALID) { // forged: refused before any look-up
            limiter.failed(source);
            return new Refused(BAD_CREDENTIALS);
        }
        Optional<SipAccount> account = users.sipAccount(h.getUsername(), realm);
        String ha1 = account.map(a -> a.ha1ByAlgorithm().get(algorithm)).orElse(null);
        String uri = h.getParameter("uri") != null ? h.getParameter("uri") : String.valueOf(h.getURI());
        String qop = h.getQop();
        String expected = ha1 != null ? SipDigests.response(algorithm, ha1,
                request.getMethod(), uri, h.getNonce(), h.getParameter("nc"), h.getCNonce(), qop) : null;
        if (expected != null && SipDigests.equal(expected, h.getResponse())) {
            // used before (or no room to remember it): answered like an old nonce, so a phone re-authenticates by itself
            return replays.firstUse(h.getNonce(), expected) ? new Ok(account.get(), algorithm) : new Challenge(true);
        }
        limiter.failed(source);
        return new Refused(BAD_CREDENTIALS);
    }

    /** Adds one WWW-Authenticate per offered algorithm, most preferred first (RFC 8760 2.4). */
    void challenge(Response response, boolean stale) {
        String nonce = nonces.issue();
        try {
            for (String algorithm : offered) {
                WWWAuthenticateHeader w = sip.headers().createWWWAuthenticateHeader("Digest");
                w.setRealm(realm);
                w.setNonce(nonce);
                w.setAlgorithm(algorithm);
                w.setQop("auth");
                if (stale) {
                    w.setParameter("stale", "true");
                }
                response.addHeader(w);
            }
        } catch (ParseException e) {
            throw new IllegalStateException("challenge header", e);
        }
    }

    private AuthorizationHeader credentials(Request request) {
        ListIterator<?> it = request.getHeaders(AuthorizationHeader.NAME);
        while (it.hasNext()) {
            AuthorizationHeader h = (AuthorizationHeader) it.next();
            if (realm.equals(h.getRealm()) && "digest".equalsIgnoreCase(h.getScheme())) {
                return h;
            }
        }
        return null;
    }
}
