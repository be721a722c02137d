package io.atrium.server.auth;

import io.atrium.server.config.AtriumConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-limited TURN credentials in the REST scheme that coturn checks with {@code use-auth-secret}
 * (draft-uberti-behave-turn-rest-00): the username is {@code <unix expiry>:<identity>} and the
 * password is base64(HMAC-SHA1(static-auth-secret, username)). coturn recomputes the password from the
 * username and refuses it once the expiry has passed, so nothing is stored or shared but the secret.
 *
 * <p>Clients get the result as WebRTC {@code RTCIceServer}s ({@link #iceServers}) or, for WHIP/WHEP,
 * as {@code Link: <url>; rel="ice-server"} headers (RFC 9725 §4.6, {@link #linkHeaders}).
 */
public final class TurnCredentials {

    /** One {@code RTCIceServer}: {@code username}/{@code credential} are null for {@code stun:} URLs. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record IceServer(List<String> urls, String username, String credential) {
    }

    private final AtriumConfig.Turn config;
    private final Clock clock;

    public TurnCredentials(AtriumConfig.Turn config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** The ICE servers for {@code identity}, with fresh credentials; empty when no TURN/STUN URL is set. */
    public List<IceServer> iceServers(String identity) {
        List<String> stun = config.urls().stream().filter(u -> u.startsWith("stun")).toList();
        List<String> turn = config.urls().stream().filter(u -> u.startsWith("turn")).toList();
        List<IceServer> out = new ArrayList<>(2);
        if (!stun.isEmpty()) {
            out.add(new IceServer(stun, null, null));
        }
        if (!turn.isEmpty()) {
            String username = username(identity);
            out.add(new IceServer(turn, username, password(config.secret(), username)));
        }
        return List.copyOf(out);
    }

    /** The same servers as RFC 9725 §4.6 {@code Link} header values, one per URL. */
    public List<String> linkHeaders(String identity) {
        List<String> out = new ArrayList<>();
        for (IceServer s : iceServers(identity)) {
            for (String url : s.urls()) {
                StringBuilder b = new StringBuilder("<").append(url).append(">; rel=\"ice-server\"");
                if (s.username() != null) {
                    b.append("; username=\"").append(s.username()).append("\"; credential=\"").append(s.credential())
                            .append("\"; credential-type=\"password\"");
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    /** {@code <expiry>:<identity>}, the identity reduced to characters safe in a header's quoted string. */
    String username(String identity) {
        long expiry = clock.instant().getEpochSecond() + config.ttlSeconds();
        String safe = identity == null ? "" : identity.replaceAll("[^A-Za-z0-9._@+-]", "_");
        return expiry + ":" + (safe.length() > 128 ? safe.substring(0, 128) : safe);
    }

    /** base64(HMAC-SHA1(secret, username)), as coturn computes it. */
    public static String password(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is missing from this JVM", e);
        }
    }
}
