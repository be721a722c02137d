package io.atrium.server.sip;

import io.atrium.server.edge.UsedOnce;
import java.time.Clock;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule against replayed digest credentials: a credential that verified is accepted once. A credential is its
 * nonce and its digest {@code response}, which covers everything else that counts (with qop=auth: nc, cnonce, qop,
 * method and uri; without qop: method and uri), so a phone's next request, with nc counted up or a new cnonce, is a
 * new credential, while an attacker's copy of a captured request with a new Via branch, Call-ID, CSeq or Contact,
 * the response in capitals, or (without qop) nc and cnonce added, is the same one. Each is remembered until its
 * nonce expires; after that the nonce itself is refused as stale. A phone without qop sends the same response for
 * the same request, so it is challenged again before it can repeat one.
 *
 * <p>A true retransmission (same Via branch and sent-by) never comes here: JAIN-SIP's server transaction answers it
 * with its last response (a non-INVITE's over UDP for 32 s, Timer J) without passing it to Atrium
 * ({@code SipRegistrarTest.aCapturedRegisterReplayedAsANewRequestIsChallengedAsStale}).
 *
 * <p>Only verified credentials are added, so nobody without a password can grow the table; it is bounded all the
 * same ({@link UsedOnce}): when {@link #MAX_ENTRIES} unexpired credentials are remembered, new ones are refused (with
 * a warning) rather than accepted unremembered.
 */
final class ReplayCache {

    /** About 330 authenticated requests a second for the 300 s a nonce lasts; roughly 200 bytes each, 20 MB when full. */
    static final int MAX_ENTRIES = 100_000;

    private static final Logger log = LoggerFactory.getLogger("atrium.sip");

    private final Clock clock;
    /** Credentials, each until the last second of its nonce. */
    private final UsedOnce used;
    private volatile boolean full;

    ReplayCache(int max, Clock clock) {
        this.used = new UsedOnce(max);
        this.clock = clock;
    }

    /**
     * True for the first use of a verified credential ({@code nonce}, a valid one, and {@code response}); false if it
     * was accepted before, or while the table is full.
     */
    boolean firstUse(String nonce, String response) {
        UsedOnce.Use use = used.use(nonce + " " + response.toLowerCase(Locale.ROOT), Nonces.expiry(nonce),
                clock.instant().getEpochSecond());
        if (use == UsedOnce.Use.FULL && !full) { // once each time it fills
            log.warn("{} digest credentials remembered against replay, none expired: refusing new ones until"
                    + " some expire (phones are challenged again)", used.size());
        }
        if (use != UsedOnce.Use.AGAIN) {
            full = use == UsedOnce.Use.FULL;
        }
        return use == UsedOnce.Use.FIRST;
    }

    /** How many credentials are remembered. */
    int size() {
        return used.size();
    }
}
