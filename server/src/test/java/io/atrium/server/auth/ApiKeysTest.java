package io.atrium.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    static final String SECRET = "a-production-secret-of-more-than-32-bytes";
    final Instant now = Instant.parse("2026-01-01T10:00:00Z");
    final ApiKeys keys = new ApiKeys(Map.of("prod", SECRET, "dev", "secret"), Clock.fixed(now, ZoneOffset.UTC));

    static String basic(String userPass) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    String bearer(String iss, String secret, Instant exp) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(iss);
        if (exp != null) {
            claims.expirationTime(Date.from(exp));
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return "Bearer " + jwt.serialize();
    }

    @Test
    void basicCredentials() {
        assertThat(keys.authenticate(basic("prod:" + SECRET))).isEqualTo("prod");
        assertThat(keys.authenticate(basic("dev:secret"))).isEqualTo("dev");
        for (String bad : new String[] {basic("prod:wrong"), basic("nobody:" + SECRET), basic("prod"), basic(":"), "Basic !!!"}) {
            assertThatThrownBy(() -> keys.authenticate(bad)).isInstanceOf(AuthException.class);
        }
    }

    @Test
    void bearerJwtSignedWithTheSecret() throws Exception {
        assertThat(keys.authenticate(bearer("prod", SECRET, now.plusSeconds(60)))).isEqualTo("prod");
        assertThatThrownBy(() -> keys.authenticate(bearer("prod", SECRET, now.minusSeconds(1))))
                .isInstanceOf(AuthException.class).hasMessageContaining("expired");
        assertThatThrownBy(() -> keys.authenticate(bearer("prod", SECRET, null)))
                .isInstanceOf(AuthException.class).hasMessageContaining("no 'exp'");
        assertThatThrownBy(() -> keys.authenticate(bearer("prod", SECRET + "x", now.plusSeconds(60))))
                .isInstanceOf(AuthException.class).hasMessageContaining("signature");
        assertThatThrownBy(() -> keys.authenticate(bearer("ghost", SECRET, now.plusSeconds(60))))
                .isInstanceOf(AuthException.class).hasMessageContaining("not a known API key");
    }

    @Test
    void shortSecretsCannotSignBearerJwts() {
        String unsigned = "Bearer " + Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"HS256\"}".getBytes())
                + "." + Base64.getUrlEncoder().withoutPadding().encodeToString("{\"iss\":\"dev\",\"exp\":9999999999}".getBytes())
                + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        assertThatThrownBy(() -> keys.authenticate(unsigned))
                .isInstanceOf(AuthException.class).hasMessageContaining("use Basic auth");
    }

    @Test
    void anAccessTokenIsNotAnApiCredential() {
        TokenService tokens = new TokenService(Map.of("prod", SECRET), Clock.fixed(now, ZoneOffset.UTC));
        String access = tokens.mint("prod", UUID.randomUUID(), "id", "n", Optional.empty(), true, Grants.participant(), 60).token();
        assertThatThrownBy(() -> keys.authenticate("Bearer " + access)).isInstanceOf(AuthException.class);
    }

    @Test
    void missingOrUnsupportedSchemes() {
        for (String bad : new String[] {null, "", "Token abc", "Bearer", "Bearer not-a-jwt"}) {
            assertThatThrownBy(() -> keys.authenticate(bad)).isInstanceOf(AuthException.class);
        }
    }
}
