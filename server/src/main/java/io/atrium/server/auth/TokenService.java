package io.atrium.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.atrium.server.store.Revocation;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints and verifies access tokens: JWT HS256 (nimbus-jose-jwt), {@code kid} = the API key that
 * minted it. The HMAC key is derived from that key's secret (HMAC-SHA256(secret, "atrium access
 * token v1")), so an access token can never pass as an API credential signed with the raw secret,
 * and even a short development secret gives a full 256-bit key. Only HS256 is accepted; unsigned
 * ({@code alg: none}) and other algorithms are refused.
 */
public final class TokenService {

    private static final byte[] DERIVATION_LABEL = "atrium access token v1".getBytes(StandardCharsets.US_ASCII);
    static final String TYPE = "atrium-access+jwt";

    private final Map<String, byte[]> keys;
    /** The API key whose secret signs the tokens Atrium mints itself: the first in sorted order, so every node picks the same. */
    private final String signingKey;
    private final Clock clock;
    private final Revocations revocations;

    public TokenService(Map<String, String> apiKeys, Clock clock) {
        this(apiKeys, clock, new Revocations(null, clock));
    }

    /** A token service whose tokens can be revoked ({@link Revocations}). */
    public TokenService(Map<String, String> apiKeys, Clock clock, Revocations revocations) {
        this.keys = apiKeys.entrySet().stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> derive(e.getValue())));
        this.clock = clock;
        this.revocations = revocations;
        this.signingKey = apiKeys.isEmpty() ? null : new java.util.TreeMap<>(apiKeys).firstKey();
    }

    /** The revoked tokens this service refuses. */
    public Revocations revocations() {
        return revocations;
    }

    /**
     * Whether a token verified earlier still holds now: not expired, for {@code room} (when given),
     * not revoked. The one rule for a token that is used again and again, such as a socket's on every
     * call (docs/SECURITY.md, finding 2).
     */
    public void check(AccessToken token, Optional<UUID> room) {
        if (!clock.instant().isBefore(token.expiresAt())) {
            throw new AuthException("token expired");
        }
        if (room.isPresent() && !room.get().equals(token.room())) {
            throw new AuthException("token is for another room");
        }
        if (revocations.revoked(token)) {
            throw new AuthException("token revoked");
        }
    }

    /** A signed token and when it expires. */
    public record Minted(String token, Instant expiresAt) {
    }

    /**
     * Signs a token that Atrium issues itself (rooms, contract facades) with the one signing key, the
     * first API key in sorted order; see {@link #mint(String, UUID, String, String, Optional, boolean, Grants, long)}.
     */
    public Minted mint(UUID room, String identity, String name, Optional<UUID> user, boolean admin, Grants grants,
                       long ttlSeconds) {
        if (signingKey == null) {
            throw new IllegalStateException("no API key to sign tokens with");
        }
        return mint(signingKey, room, identity, name, user, admin, grants, ttlSeconds);
    }

    /** Signs a token for {@code room} with {@code apiKey}'s secret, valid for {@code ttlSeconds} from now. */
    public Minted mint(String apiKey, UUID room, String identity, String name, Optional<UUID> user, boolean admin,
                       Grants grants, long ttlSeconds) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return sign(apiKey, room, identity, name, user, admin, grants, now, now.plusSeconds(ttlSeconds));
    }

    /**
     * A live change that takes rights away from {@code token}'s identity in its room (docs/SECURITY.md, finding 15):
     * every token of that identity there issued until now is revoked (kept {@code keepSeconds}, the longest a token
     * may live), and the answer is the one token it goes on with: {@code token}'s identity, name, user, expiry and
     * (changed) rights. Tokens are dated to the second, so the new one is dated the second after the revocation
     * (valid from now); the identity's next revocation covers it ({@link Revocations#revokeIdentity}).
     */
    public Minted replace(AccessToken token, long keepSeconds) {
        if (signingKey == null) {
            throw new IllegalStateException("no API key to sign tokens with");
        }
        Revocation r = revocations.revokeIdentity(token.room(), token.identity(), clock.instant().plusSeconds(keepSeconds));
        Instant issued = r.revokedAt().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        return sign(signingKey, token.room(), token.identity(), token.name(), token.user(), token.admin(), token.grants(),
                issued, token.expiresAt());
    }

    private Minted sign(String apiKey, UUID room, String identity, String name, Optional<UUID> user, boolean admin,
                        Grants grants, Instant issued, Instant expires) {
        byte[] key = keys.get(apiKey);
        if (key == null) {
            throw new IllegalArgumentException("unknown API key " + apiKey);
        }
        Instant validFrom = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .jwtID(UUID.randomUUID().toString())
                .issuer(apiKey)
                .subject(identity)
                .issueTime(Date.from(issued))
                .notBeforeTime(Date.from(validFrom.isBefore(issued) ? validFrom : issued))
                .expirationTime(Date.from(expires))
                .claim("room", room.toString())
                .claim("name", name)
                .claim("admin", admin)
                .claim("grants", grantsClaim(grants));
        user.ifPresent(u -> claims.claim("user", u.toString()));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(apiKey)
                .type(new JOSEObjectType(TYPE)).build(), claims.build());
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
        return new Minted(jwt.serialize(), expires);
    }

    private static Map<String, Object> grantsClaim(Grants grants) {
        Map<String, Object> claim = new java.util.LinkedHashMap<>();
        claim.put("publish", grants.publish());
        claim.put("subscribe", grants.subscribe());
        claim.put("publish_sources", grants.publishSources().stream().map(s -> s.name().toLowerCase(Locale.ROOT)).sorted().toList());
        claim.put("data", grants.data());
        claim.put("hidden", grants.hidden());
        if (!grants.state().isEmpty()) {
            claim.put("state", grants.state()); // absent in tokens that read no state, as before
        }
        return claim;
    }

    /** Verifies signature, expiry and room; {@code room} empty accepts any room. */
    public AccessToken verify(String token, Optional<UUID> room) {
        SignedJWT jwt = parse(token);
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            throw new AuthException("token algorithm must be HS256");
        }
        if (header.getType() == null || !TYPE.equals(header.getType().getType())) {
            throw new AuthException("not an access token");
        }
        byte[] key = header.getKeyID() == null ? null : keys.get(header.getKeyID());
        if (key == null) {
            throw new AuthException("token signed by an unknown key");
        }
        try {
            if (!jwt.verify(new MACVerifier(key))) {
                throw new AuthException("token signature is invalid");
            }
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            Instant now = clock.instant();
            Date exp = c.getExpirationTime();
            if (exp == null || !now.isBefore(exp.toInstant())) {
                throw new AuthException("token expired");
            }
            if (c.getNotBeforeTime() != null && now.isBefore(c.getNotBeforeTime().toInstant())) {
                throw new AuthException("token not yet valid");
            }
            UUID tokenRoom = UUID.fromString(c.getStringClaim("room"));
            if (room.isPresent() && !room.get().equals(tokenRoom)) {
                throw new AuthException("token is for another room");
            }
            Map<String, Object> g = c.getJSONObjectClaim("grants");
            EnumSet<Grants.Source> sources = EnumSet.noneOf(Grants.Source.class);
            for (Object s : (List<?>) g.get("publish_sources")) {
                sources.add(Grants.Source.valueOf(String.valueOf(s).toUpperCase(Locale.ROOT)));
            }
            List<String> state = g.get("state") instanceof List<?> names ? names.stream().map(String::valueOf).toList() : List.of();
            Grants grants = new Grants(bool(g, "publish"), bool(g, "subscribe"), sources, bool(g, "data"), bool(g, "hidden"), state);
            String user = c.getStringClaim("user");
            AccessToken verified = new AccessToken(c.getJWTID(), header.getKeyID(), tokenRoom, c.getSubject(), c.getStringClaim("name"),
                    Optional.ofNullable(user).map(UUID::fromString), Boolean.TRUE.equals(c.getBooleanClaim("admin")),
                    grants, c.getIssueTime().toInstant(), exp.toInstant());
            if (revocations.revoked(verified)) {
                throw new AuthException("token revoked");
            }
            return verified;
        } catch (JOSEException e) {
            throw new AuthException("token cannot be verified");
        } catch (ParseException | RuntimeException e) {
            if (e instanceof AuthException a) {
                throw a;
            }
            throw new AuthException("token claims are malformed");
        }
    }

    private static boolean bool(Map<String, Object> grants, String name) {
        return Boolean.TRUE.equals(grants.get(name));
    }

    static SignedJWT parse(String token) {
        if (token == null || token.isBlank() || token.length() > 8192) {
            throw new AuthException("token is missing or too long");
        }
        try {
            return SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new AuthException("token is not a signed JWT");
        }
    }

    private static byte[] derive(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(DERIVATION_LABEL);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
