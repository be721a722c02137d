package io.atrium.server.edge;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proof that an HTTP request was relayed by another node of the cluster (docs/SCALING.md): the header
 * {@link #HEADER} = {@code t=<epoch seconds>,v=<hex HMAC-SHA256 of "METHOD\n/path?query\nt">} under a secret
 * that only the cluster's nodes know (agreed in Redis by {@code cluster/Cluster}), good {@link #WINDOW_SECONDS}
 * either side of the receiving node's clock. Each node starts with a random secret of its own, which a node
 * alone keeps: no mark verifies there. Thread-safe.
 */
public final class RelayMark {

    /** The header of a relayed request. */
    public static final String HEADER = "Atrium-Relayed";
    /** How far a mark's time may be from the receiving node's clock, in seconds, either way. */
    public static final long WINDOW_SECONDS = 60;
    private static final Logger LOG = LoggerFactory.getLogger(RelayMark.class);
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern FORM = Pattern.compile("t=(-?\\d{1,12}),v=([0-9a-f]{64})");
    private static final int SECRET_BYTES = 32;

    private final Clock clock;
    private volatile String secret;

    /** A mark with a new random secret: the one this node offers the cluster. */
    public RelayMark(Clock clock) {
        this.clock = clock;
        byte[] random = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(random);
        this.secret = HEX.formatHex(random);
    }

    /** The secret signed with now (text: a node's own is 64 hex digits). */
    public String secret() {
        return secret;
    }

    /** Signs and verifies with {@code shared} from now on: the secret the cluster agreed on. */
    public void use(String shared) {
        if (shared.isEmpty()) {
            throw new IllegalArgumentException("a relay secret cannot be empty");
        }
        secret = shared;
    }

    /** The mark of a request {@code method} {@code target} (its path and, after {@code ?}, its query) sent now. */
    public String sign(String method, String target) {
        long t = clock.instant().getEpochSecond();
        return "t=" + t + ",v=" + HEX.formatHex(mac(method, target, t));
    }

    /**
     * Whether {@code mark} (the header's value, null when absent) is this cluster's mark of {@code method}
     * {@code target} made within the window. A mark that is present and is not is logged: at debug (anyone can
     * send the header), or at warn when it was signed with the secret but out of the window (nodes' clocks apart).
     */
    public boolean verify(String mark, String method, String target) {
        if (mark == null) {
            return false;
        }
        Matcher m = FORM.matcher(mark);
        if (!m.matches()) {
            LOG.debug("{} {}: an {} header that is no mark, answered as a client's request", method, target, HEADER);
            return false;
        }
        long t = Long.parseLong(m.group(1));
        if (!MessageDigest.isEqual(mac(method, target, t), HEX.parseHex(m.group(2)))) {
            LOG.debug("{} {}: an {} header that does not verify, answered as a client's request", method, target, HEADER);
            return false;
        }
        long skew = clock.instant().getEpochSecond() - t;
        if (Math.abs(skew) > WINDOW_SECONDS) {
            LOG.warn("{} {}: relayed with a mark made {} s from this node's clock (more than {} s: are the nodes' clocks"
                    + " synchronised?), answered as a client's request", method, target, skew, WINDOW_SECONDS);
            return false;
        }
        return true;
    }

    private byte[] mac(String method, String target, long t) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal((method + "\n" + target + "\n" + t).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
