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

class TokenServiceTest {

    static final String SECRET = "0123456789abcdef0123456789abcdef-long";
    final Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
    final UUID room = UUID.randomUUID();

    TokenService at(Instant now) {
        return new TokenService(Map.of("k1", SECRET, "dev", "secret"), Clock.fixed(now, ZoneOffset.UTC));
    }

    String mint(String key, long ttl) {
        return at(t0).mint(key, room, "call-1", "Ann", Optional.empty(), true, Grants.participant(), ttl).token();
    }

    @Test
    void tokensAtriumIssuesItselfAreSignedWithTheFirstKeyInSortedOrder() throws Exception {
        String token = at(t0).mint(room, "call-1", "Ann", Optional.empty(), false, Grants.participant(), 60).token();
        assertThat(SignedJWT.parse(token).getHeader().getKeyID()).as("'dev' sorts before 'k1'").isEqualTo("dev");
        assertThat(at(t0).verify(token, Optional.of(room)).identity()).isEqualTo("call-1");
    }

    @Test
    void roundTripKeepsEveryClaim() {
        UUID user = UUID.randomUUID();
        TokenService.Minted m = at(t0).mint("k1", room, "call-1", "Ann", Optional.of(user), true, Grants.participant(), 60);
        AccessToken t = at(t0.plusSeconds(30)).verify(m.token(), Optional.of(room));
        assertThat(t.room()).isEqualTo(room);
        assertThat(t.identity()).isEqualTo("call-1");
        assertThat(t.name()).isEqualTo("Ann");
        assertThat(t.user()).contains(user);
        assertThat(t.admin()).isTrue();
        assertThat(t.grants()).isEqualTo(Grants.participant());
        assertThat(t.apiKey()).isEqualTo("k1");
        assertThat(t.expiresAt()).isEqualTo(t0.plusSeconds(60)).isEqualTo(m.expiresAt());
    }

    @Test
    void aShortDevSecretStillSignsWithADerivedFullLengthKey() {
        String token = mint("dev", 60);
        assertThat(at(t0).verify(token, Optional.of(room)).apiKey()).isEqualTo("dev");
    }

    @Test
    void expiredTokenIsRejected() {
        String token = mint("k1", 60);
        assertThatThrownBy(() -> at(t0.plusSeconds(60)).verify(token, Optional.of(room)))
                .isInstanceOf(AuthException.class).hasMessage("token expired");
    }

    @Test
    void anotherRoomIsRejected() {
        String token = mint("k1", 60);
        assertThatThrownBy(() -> at(t0).verify(token, Optional.of(UUID.randomUUID())))
                .isInstanceOf(AuthException.class).hasMessage("token is for another room");
    }

    @Test
    void wrongSignatureIsRejected() {
        String token = mint("k1", 60);
        TokenService otherSecret = new TokenService(Map.of("k1", SECRET + "-different"), Clock.fixed(t0, ZoneOffset.UTC));
        assertThatThrownBy(() -> otherSecret.verify(token, Optional.of(room)))
                .isInstanceOf(AuthException.class).hasMessage("token signature is invalid");
        String[] parts = token.split("\\.");
        String tamperedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("\"admin\":true", "\"admin\":false").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> at(t0).verify(parts[0] + "." + tamperedPayload + "." + parts[2], Optional.of(room)))
                .isInstanceOf(AuthException.class).hasMessage("token signature is invalid");
    }

    @Test
    void algNoneAndOtherAlgorithmsAreRejected() throws Exception {
        String token = mint("k1", 60);
        String payload = token.split("\\.")[1];
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\",\"typ\":\"atrium-access+jwt\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> at(t0).verify(none + "." + payload + ".", Optional.of(room)))
                .isInstanceOf(AuthException.class);

        SignedJWT hs512 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS512).keyID("k1")
                .type(new com.nimbusds.jose.JOSEObjectType(TokenService.TYPE)).build(),
                JWTClaimsSet.parse(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)));
        hs512.sign(new MACSigner(new byte[64]));
        assertThatThrownBy(() -> at(t0).verify(hs512.serialize(), Optional.of(room)))
                .isInstanceOf(AuthException.class).hasMessage("token algorithm must be HS256");
    }

    @Test
    void anApiCredentialJwtIsNotAnAccessToken() throws Exception {
        SignedJWT api = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(),
                new JWTClaimsSet.Builder().issuer("k1").claim("room", room.toString())
                        .expirationTime(Date.from(t0.plusSeconds(60))).build());
        api.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> at(t0).verify(api.serialize(), Optional.of(room)))
                .isInstanceOf(AuthException.class).hasMessage("not an access token");
    }

    @Test
    void garbageAndUnknownKeysAreRejected() {
        for (String bad : new String[] {"", "abc", "a.b.c", "x".repeat(9000)}) {
            assertThatThrownBy(() -> at(t0).verify(bad, Optional.empty())).isInstanceOf(AuthException.class);
        }
        String token = mint("k1", 60);
        TokenService without = new TokenService(Map.of("k2", SECRET), Clock.fixed(t0, ZoneOffset.UTC));
        assertThatThrownBy(() -> without.verify(token, Optional.empty()))
                .isInstanceOf(AuthException.class).hasMessage("token signed by an unknown key");
    }
}
