package io.atrium.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hashesAreSaltedPhcStringsThatVerify() {
        String a = hasher.hash("hunter22");
        String b = hasher.hash("hunter22");
        assertThat(a).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").isNotEqualTo(b);
        assertThat(hasher.matches("hunter22", a)).isTrue();
        assertThat(hasher.matches("hunter22", b)).isTrue();
        assertThat(hasher.matches("hunter23", a)).isFalse();
        assertThat(hasher.matches("", a)).isFalse();
    }

    @Test
    void verifiesWithTheParametersStoredInTheString() {
        // made with this class at m=8,t=1,p=1 — parameters are read from the string, not from constants
        String cheap = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
                + java.util.Base64.getEncoder().withoutPadding().encodeToString(rawArgon2("pw", "saltsaltsaltsalt".getBytes(), 8, 1));
        assertThat(hasher.matches("pw", cheap)).isTrue();
        assertThat(hasher.matches("pw2", cheap)).isFalse();
    }

    @Test
    void malformedOrHostileStoredValuesNeverMatch() {
        String good = hasher.hash("pw-123456");
        String[] bad = {
            null, "", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", "$argon2id$v=16$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=19456,t=999,p=1$c2FsdA$aGFzaA",
            "$argon2id$v=19$x=1,t=2,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=19456,t=2,p=1$!!!$aGFzaA",
            good.substring(0, good.length() - 4), good + "$extra"
        };
        for (String stored : bad) {
            assertThat(hasher.matches("pw-123456", stored)).as(String.valueOf(stored)).isFalse();
        }
        assertThat(hasher.matches("x".repeat(PasswordHasher.MAX_PASSWORD_LENGTH + 1), good)).isFalse();
        assertThat(hasher.matches(null, good)).isFalse();
    }

    private static byte[] rawArgon2(String password, byte[] salt, int m, int t) {
        var params = new org.bouncycastle.crypto.params.Argon2Parameters.Builder(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
                .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(m).withIterations(t).withParallelism(1).withSalt(salt).build();
        var gen = new org.bouncycastle.crypto.generators.Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[32];
        gen.generateBytes(password.getBytes(java.nio.charset.StandardCharsets.UTF_8), out);
        return out;
    }
}
