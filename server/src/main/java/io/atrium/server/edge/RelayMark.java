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
 * {@link #HEADER} = {@code t=<epoch seconds>,n=<32 hex digits>,v=<hex HMAC-SHA256 of "METHOD\n/path?query\nt\nn">}
 * under a secret that only the cluster's nodes know (agreed in Redis by {@code cluster/Cluster}), {@code n} 16
 * random bytes of its own, good once, {@link #WINDOW_SECONDS} either side of the receiving node's clock. The node
 * remembers the nonce of each mark it accepted until the mark leaves its window, and refuses the mark a second
 * time; when it remembers {@link #REMEMBERED} marks still in their window it refuses every new one (never forgets
 * one early). Each node starts with a random secret of its own, which a node alone keeps: no mark verifies there.
 * Thread-safe.
 */
public final class RelayMark {

    /** The header of a relayed request. */
    public static final String HEADER = "Atrium-Relayed";
    /** How far a mark's time may be from the receiving node's clock, in seconds, either way. */
    public static final long WINDOW_SECONDS = 60;
    /**
     * How many accepted marks a node remembers at most (about 130 bytes each, 13 MB): a mark made up to 60 s ahead of
     * this node's clock is remembered up to 120 s, so more than 833 relayed requests a second for 2 minutes.
     */
    public static final int REMEMBERED = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(RelayMark.class);
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern FORM = Pattern.compile("t=(-?\\d{1,12}),n=([0-9a-f]{32}),v=([0-9a-f]{64})");
    private static final int SECRET_BYTES = 32;
    private static final int NONCE_BYTES = 16;

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** The nonces of the marks accepted, each until the last second (this node's clock) its mark is in the window. */
    private final UsedOnce used;
    private volatile String secret;

    /** A mark with a new random secret: the one this node offers the cluster. */
    public RelayMark(Clock clock) {
        this(clock, REMEMBERED);
    }

    /** A mark that remembers at most {@code capacity} accepted marks. */
    RelayMark(Clock clock, int capacity) {
        this.clock = clock;
        this.used = new UsedOnce(capacity);
        this.secret = HEX.formatHex(randomBytes(SECRET_BYTES));
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

    /** The mark of a request {@code method} {@code target} (its path and, after {@code ?}, its query) sent now: a new one each call. */
    public String sign(String method, String target) {
        long t = clock.instant().getEpochSecond();
        String n = HEX.formatHex(randomBytes(NONCE_BYTES));
        return "t=" + t + ",n=" + n + ",v=" + HEX.formatHex(mac(method, target, t, n));
    }

    /**
     * Whether {@code mark} (the header's value, null when absent) is this cluster's mark of {@code method}
     * {@code target} made within the window and not accepted before. A mark that is present and is not is logged:
     * at debug (anyone can send the header), or at warn when it was signed with the secret (nodes' clocks apart, a
     * mark sent again, too many remembered).
     */
    public boolean verify(String mark, String method, String target) {
        if (mark == null) {
            return false;
        }
        Matcher m = FORM.matcher(mark);
        if (!m.matches()) {
            LOG.debug("{} {}: an {} header that is no mark (or one of a version before nonces), answered as a client's request",
                    method, target, HEADER);
            return false;
        }
        long t = Long.parseLong(m.group(1));
        String n = m.group(2);
        if (!MessageDigest.isEqual(mac(method, target, t, n), HEX.parseHex(m.group(3)))) {
            LOG.debug("{} {}: an {} header that does not verify, answered as a client's request", method, target, HEADER);
            return false;
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - t) > WINDOW_SECONDS) {
            LOG.warn("{} {}: relayed with a mark made {} s from this node's clock (more than {} s: are the nodes' clocks"
                    + " synchronised?), answered as a client's request", method, target, now - t, WINDOW_SECONDS);
            return false;
        }
        return firstUse(n, t + WINDOW_SECONDS, now, method, target);
    }

    /** The number of accepted marks remembered (those out of their window are forgotten when a later mark verifies). */
    int remembered() {
        return used.size();
    }

    /** Whether nonce {@code n}, whose mark is in the window until second {@code last}, is used for the first time. */
    private boolean firstUse(String n, long last, long now, String method, String target) {
        return switch (used.use(n, last, now)) {
            case FIRST -> true;
            case AGAIN -> {
                LOG.warn("{} {}: relayed with a mark this node accepted before (sent again), answered as a client's request",
                        method, target);
                yield false;
            }
            case FULL -> {
                LOG.warn("{} {}: relayed with a good mark while this node remembers {} marks still in their window (more"
                        + " than {} relayed requests a second), answered as a client's request", method, target, used.size(),
                        used.size() / (2 * WINDOW_SECONDS));
                yield false;
            }
        };
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private byte[] mac(String method, String target, long t, String n) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal((method + "\n" + target + "\n" + t + "\n" + n).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
