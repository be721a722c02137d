package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.auth.SipDigests;
import io.atrium.server.testing.ManualClock;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ReplayCache} alone: credentials are real digest responses over nonces of {@link Nonces}. */
class ReplayCacheTest {

    final ManualClock clock = new ManualClock(1_800_000_000_000L);
    final Nonces nonces = new Nonces(clock);
    final String ha1 = SipDigests.hash(SipDigests.MD5, "alice:atrium:alice-password");

    String response(String nonce, String nc, String cnonce, String qop) {
        return SipDigests.response(SipDigests.MD5, ha1, "REGISTER", "sip:127.0.0.1:5060", nonce, nc, cnonce, qop);
    }

    @Test
    void aCredentialIsAcceptedOnceAndTheNextNcOrCnonceIsANewOne() {
        ReplayCache cache = new ReplayCache(100, clock);
        String nonce = nonces.issue();
        String first = response(nonce, "00000001", "c1", "auth");
        assertThat(cache.firstUse(nonce, first)).isTrue();
        assertThat(cache.firstUse(nonce, first)).as("the same again").isFalse();
        assertThat(cache.firstUse(nonce, first.toUpperCase(Locale.ROOT))).as("in capitals, which verifies too").isFalse();
        assertThat(cache.firstUse(nonce, response(nonce, "00000002", "c1", "auth"))).as("nc counted up").isTrue();
        assertThat(cache.firstUse(nonce, response(nonce, "00000001", "c2", "auth"))).as("a new cnonce").isTrue();
        assertThat(cache.firstUse(nonce, response(nonce, "00000002", "c1", "auth"))).isFalse();
    }

    @Test
    void twoPhonesChallengedInTheSameSecondWithTheSameCnonceSendDifferentCredentials() {
        ReplayCache cache = new ReplayCache(100, clock);
        String one = nonces.issue();
        String other = nonces.issue();
        assertThat(cache.firstUse(one, response(one, "00000001", "6b8b4567", "auth"))).isTrue();
        assertThat(cache.firstUse(other, response(other, "00000001", "6b8b4567", "auth"))).isTrue();
    }

    @Test
    void withoutQopNcAndCnonceDoNotMakeANewCredential() {
        ReplayCache cache = new ReplayCache(100, clock);
        String nonce = nonces.issue();
        assertThat(cache.firstUse(nonce, response(nonce, null, null, null))).isTrue();
        assertThat(cache.firstUse(nonce, response(nonce, "00000002", "other", null))).isFalse();
    }

    @Test
    void aCredentialIsRememberedUntilItsNonceExpires() {
        ReplayCache cache = new ReplayCache(100, clock);
        String nonce = nonces.issue();
        String credential = response(nonce, "00000001", "c1", "auth");
        assertThat(cache.firstUse(nonce, credential)).isTrue();
        clock.advance(Nonces.LIFETIME_SECONDS * 1000);
        assertThat(nonces.check(nonce)).isEqualTo(Nonces.State.VALID);
        assertThat(cache.firstUse(nonce, credential)).as("in the nonce's last second").isFalse();
        clock.advance(1000);
        assertThat(nonces.check(nonce)).isEqualTo(Nonces.State.STALE);
        String fresh = nonces.issue();
        assertThat(cache.firstUse(fresh, response(fresh, "00000001", "c1", "auth"))).isTrue();
        assertThat(cache.size()).as("the expired credential swept").isEqualTo(1);
    }

    @Test
    void aFullCacheRefusesNewCredentialsUntilSomeExpire() {
        ReplayCache cache = new ReplayCache(3, clock);
        String early = nonces.issue();
        for (int nc = 1; nc <= 3; nc++) {
            assertThat(cache.firstUse(early, response(early, "0000000" + nc, "c", "auth"))).isTrue();
        }
        String fourth = response(early, "00000004", "c", "auth");
        assertThat(cache.firstUse(early, fourth)).as("no room").isFalse();
        assertThat(cache.size()).isEqualTo(3);
        clock.advance(10_000);
        String later = nonces.issue();
        assertThat(cache.firstUse(later, response(later, "00000001", "c", "auth"))).as("still full").isFalse();
        clock.advance((Nonces.LIFETIME_SECONDS - 9) * 1000);
        assertThat(cache.firstUse(later, response(later, "00000001", "c", "auth"))).as("the early ones expired").isTrue();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void amongConcurrentUsesOfOneCredentialOneIsAccepted() throws Exception {
        ReplayCache cache = new ReplayCache(100, clock);
        String nonce = nonces.issue();
        String credential = response(nonce, "00000001", "c1", "auth");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Callable<Boolean> use = () -> cache.firstUse(nonce, credential);
            List<Future<Boolean>> uses = pool.invokeAll(Collections.nCopies(64, use));
            long accepted = 0;
            for (Future<Boolean> f : uses) {
                accepted += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
