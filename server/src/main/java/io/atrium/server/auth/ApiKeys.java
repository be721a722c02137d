package io.atrium.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeyLengthException;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

/**
 * Server API credentials: a configured key with its secret, presented as
 * {@code Authorization: Basic base64(key:secret)} or {@code Authorization: Bearer <JWT>} signed
 * HS256 with the secret itself, {@code iss} = the key, with an {@code exp}. Bearer needs a secret of
 * 32+ bytes (RFC 7518 §3.2), which production mode enforces; the short dev secret works with Basic.
 */
public final class ApiKeys {

    private final Map<String, String> secrets;
    private final Clock clock;

    public ApiKeys(Map<String, String> secrets, Clock clock) {
        this.secrets = Map.copyOf(secrets);
        this.clock = clock;
    }

    /** Returns the authenticated API key, or throws {@link AuthException} saying what is wrong. */
    public String authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new AuthException("missing Authorization header: use Basic key:secret or Bearer <JWT>");
        }
        java.util.Optional<String> token = Bearer.token(authorization);
        if (token.isPresent()) {
            return bearer(token.get());
        }
        int space = authorization.indexOf(' ');
        String scheme = space < 0 ? authorization : authorization.substring(0, space);
        String value = space < 0 ? "" : authorization.substring(space + 1).trim();
        if (scheme.equalsIgnoreCase("Basic")) {
            return basic(value);
        }
        throw new AuthException("unsupported Authorization scheme; use Basic or Bearer");
    }

    private String basic(String value) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new AuthException("Basic credentials are not valid base64");
        }
        int colon = decoded.indexOf(':');
        String key = colon < 0 ? decoded : decoded.substring(0, colon);
        String secret = colon < 0 ? "" : decoded.substring(colon + 1);
        String expected = secrets.get(key);
        // compare even for an unknown key, so timing does not reveal which keys exist
        boolean ok = Secrets.equal(expected != null ? expected : "\0" + secret, secret);
        if (!ok || expected == null) {
            throw new AuthException("invalid API key or secret");
        }
        return key;
    }

    private String bearer(String token) {
        SignedJWT jwt = TokenService.parse(token);
        if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
            throw new AuthException("API JWT algorithm must be HS256");
        }
        try {
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            String key = claims.getIssuer();
            String secret = key == null ? null : secrets.get(key);
            if (secret == null) {
                throw new AuthException("API JWT 'iss' is not a known API key");
            }
            if (!jwt.verify(new MACVerifier(secret.getBytes(StandardCharsets.UTF_8)))) {
                throw new AuthException("API JWT signature is invalid");
            }
            Date exp = claims.getExpirationTime();
            if (exp == null || !Instant.now(clock).isBefore(exp.toInstant())) {
                throw new AuthException("API JWT is expired or has no 'exp'");
            }
            return key;
        } catch (KeyLengthException e) {
            throw new AuthException("this API key's secret is shorter than 32 bytes, too short for HS256; use Basic auth");
        } catch (ParseException | JOSEException e) {
            throw new AuthException("API JWT cannot be verified");
        }
    }
}
