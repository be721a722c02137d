package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.ManualClock;
import org.junit.jupiter.api.Test;

/** {@link Nonces} alone, on a clock the test moves. */
class NoncesTest {

    final ManualClock clock = new ManualClock(1_800_000_000_000L);
    final Nonces nonces = new Nonces(clock);

    @Test
    void everyChallengeHasItsOwnNonceValidForItsLifetime() {
        String first = nonces.issue();
        String second = nonces.issue();
        assertThat(second).as("issued in the same second").isNotEqualTo(first);
        long expiry = clock.instant().getEpochSecond() + Nonces.LIFETIME_SECONDS;
        assertThat(Nonces.expiry(first)).isEqualTo(Nonces.expiry(second)).isEqualTo(expiry);
        assertThat(nonces.check(first)).isEqualTo(Nonces.State.VALID);
        clock.advance(Nonces.LIFETIME_SECONDS * 1000);
        assertThat(nonces.check(second)).isEqualTo(Nonces.State.VALID);
        clock.advance(1000);
        assertThat(nonces.check(second)).isEqualTo(Nonces.State.STALE);
    }

    @Test
    void anAlteredOrForeignNonceIsInvalid() {
        String nonce = nonces.issue();
        for (int i = 0; i < nonce.length(); i++) {
            char flipped = nonce.charAt(i) == '0' ? '1' : '0';
            String altered = nonce.substring(0, i) + flipped + nonce.substring(i + 1);
            assertThat(nonces.check(altered)).as("digit %d changed", i).isEqualTo(Nonces.State.INVALID);
        }
        assertThat(nonces.check(new Nonces(clock).issue())).as("another key's").isEqualTo(Nonces.State.INVALID);
        assertThat(nonces.check(nonce.substring(1))).isEqualTo(Nonces.State.INVALID);
        assertThat(nonces.check("not hex at all")).isEqualTo(Nonces.State.INVALID);
    }
}
