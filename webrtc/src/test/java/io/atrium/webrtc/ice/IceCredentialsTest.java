package io.atrium.webrtc.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class IceCredentialsTest {
    @Test
    void generatedCredentialsAreLegalAndDistinct() {
        SecureRandom random = new SecureRandom();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            IceCredentials c = IceCredentials.generate(random);
            assertThat(c.ufrag()).hasSize(IceCredentials.GENERATED_UFRAG_LENGTH).matches("[A-Za-z0-9+/]+");
            assertThat(c.password()).hasSize(IceCredentials.GENERATED_PASSWORD_LENGTH).matches("[A-Za-z0-9+/]+");
            assertThat(seen.add(c.ufrag())).isTrue();
            assertThat(seen.add(c.password())).isTrue();
        }
        assertThat(IceCredentials.GENERATED_UFRAG_LENGTH).isGreaterThanOrEqualTo(IceCredentials.MIN_UFRAG_LENGTH);
        assertThat(IceCredentials.GENERATED_PASSWORD_LENGTH).isGreaterThanOrEqualTo(IceCredentials.MIN_PASSWORD_LENGTH);
    }

    @ParameterizedTest(name = "ufrag [{0}] password [{1}]")
    @CsvSource({
        "abc, 0123456789012345678901",
        "abcd, 012345678901234567890",
        "ab:d, 0123456789012345678901",
        "abcd, 01234567890123456789 1",
        "abcd, 012345678901234567890é",
        "'', 0123456789012345678901"})
    void rejectsIllegalValues(String ufrag, String password) {
        assertThatThrownBy(() -> new IceCredentials(ufrag, password)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsTheBoundsAndHidesThePassword() {
        IceCredentials c = new IceCredentials("a+/9", "0123456789+/0123456789");
        assertThat(c.toString()).contains("a+/9").doesNotContain("0123456789");
        assertThatThrownBy(() -> new IceCredentials("a".repeat(257), "0123456789+/0123456789"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new IceCredentials("a".repeat(256), "b".repeat(256)).ufrag()).hasSize(256);
    }
}
