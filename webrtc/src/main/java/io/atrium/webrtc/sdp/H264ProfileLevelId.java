package io.atrium.webrtc.sdp;

import java.util.Optional;

/**
 * The H.264 {@code profile-level-id} fmtp parameter (RFC 6184 §8.1): three bytes in hex.
 *
 * <pre>
 *  profile-level-id = profile_idc profile-iop level_idc      e.g. 42e01f
 *                     0x42 (66)   0xe0        0x1f (3.1)
 *  profile-iop bits:  constraint_set0..5 flags, then 2 reserved zero bits
 * </pre>
 *
 * A stream is Constrained Baseline compatible (H.264 A.2.1.1) when profile_idc is 66 with
 * constraint_set1, 77 with constraint_set0, or 88 with constraint_set0 and constraint_set1.
 *
 * @param profileIdc the profile_idc byte
 * @param profileIop the constraint flags byte
 * @param levelIdc   the level_idc byte (e.g. 31 for level 3.1)
 */
public record H264ProfileLevelId(int profileIdc, int profileIop, int levelIdc) {

    private static final int BASELINE = 66;
    private static final int MAIN = 77;
    private static final int EXTENDED = 88;
    private static final int CONSTRAINT_SET0 = 0x80;
    private static final int CONSTRAINT_SET1 = 0x40;

    /** Parses six hex digits; empty when the text is not that (fmtp content is not validated by SDP). */
    public static Optional<H264ProfileLevelId> parse(String hex) {
        if (hex == null || hex.length() != 6) {
            return Optional.empty();
        }
        int[] b = new int[3];
        for (int i = 0; i < 3; i++) {
            int hi = hexDigit(hex.charAt(i * 2));
            int lo = hexDigit(hex.charAt(i * 2 + 1));
            if (hi < 0 || lo < 0) {
                return Optional.empty();
            }
            b[i] = hi << 4 | lo;
        }
        return Optional.of(new H264ProfileLevelId(b[0], b[1], b[2]));
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** True when a Constrained Baseline decoder can decode streams with this profile (H.264 A.2.1.1). */
    public boolean isConstrainedBaseline() {
        return (profileIdc == BASELINE && (profileIop & CONSTRAINT_SET1) != 0)
                || (profileIdc == MAIN && (profileIop & CONSTRAINT_SET0) != 0)
                || (profileIdc == EXTENDED && (profileIop & (CONSTRAINT_SET0 | CONSTRAINT_SET1))
                        == (CONSTRAINT_SET0 | CONSTRAINT_SET1));
    }
}
