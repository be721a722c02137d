package io.atrium.webrtc.rtp;

/**
 * Reader (a flyweight, allocation-free once made) of the AV1 RTP dependency descriptor header extension
 * ({@code sdp.LocalCapabilities.EXT_DEPENDENCY_DESCRIPTOR}, AV1 RTP specification appendix A): per packet, start and end of frame, the frame number, the template it follows and so its
 * spatial and temporal id, its decode target indications, frame and chain diffs; on a key frame's packets, the
 * template dependency structure ({@link Structure}), which later packets refer to by template id. The reader keeps
 * no structure across packets: the caller keeps the latest one per stream and passes it in.
 *
 * <pre>
 * mandatory (3 bytes):  start_of_frame(1) end_of_frame(1) frame_dependency_template_id(6) frame_number(16)
 * extended (when longer): template_dependency_structure_present(1) active_decode_targets_present(1)
 *                       custom_dtis(1) custom_fdiffs(1) custom_chains(1)
 *                       [structure: template_id_offset(6) dt_cnt_minus_one(5)
 *                                   template layers: next_layer_idc(2) per template until 3
 *                                   dtis: 2 bits per template and decode target
 *                                   fdiffs: per template, (fdiff_follows(1)=1 fdiff_minus_one(4))* fdiff_follows(1)=0
 *                                   chains: chain_cnt ns(DtCnt+1) [protected_by ns(chain_cnt) per decode target,
 *                                           4-bit chain fdiff per template and chain]
 *                                   resolutions_present(1) [width_minus_1(16) height_minus_1(16) per spatial layer]]
 *                       [active_decode_targets_bitmask(DtCnt)]
 * frame definition:     [custom dtis: 2 bits per decode target]
 *                       [custom fdiffs: (next_fdiff_size(2)!=0 fdiff_minus_one(4*size))* next_fdiff_size(2)=0]
 *                       [custom chains: 8 bits per chain]
 * zero padding to the byte
 * </pre>
 *
 * <p>Limits beyond the specification's own (64 templates, 32 decode targets): at most {@link #MAX_SPATIAL} spatial
 * and {@link #MAX_TEMPORAL} temporal layers (AV1's own) and {@link #MAX_FDIFFS} frame diffs per template or frame.
 * A descriptor that is cut, exceeds them, names a template the structure lacks, or comes without a structure to
 * read it by is refused ({@link #wrap} returns false).
 */
public final class DependencyDescriptor {
    public static final int MAX_TEMPLATES = 64;
    public static final int MAX_DECODE_TARGETS = 32;
    public static final int MAX_SPATIAL = 4;
    public static final int MAX_TEMPORAL = 8;
    public static final int MAX_FDIFFS = 16;
    /** Mandatory fields only. */
    public static final int MIN_LENGTH = 3;
    /** Decode target indications (A.8.3.2). */
    public static final int DTI_NOT_PRESENT = 0;
    public static final int DTI_DISCARDABLE = 1;
    public static final int DTI_SWITCH = 2;
    public static final int DTI_REQUIRED = 3;

    /**
     * A template dependency structure: templates with their spatial and temporal id, decode target indications,
     * frame diffs and chain diffs; decode targets with their layers and protecting chains; render sizes per spatial
     * layer when given. Filled by a reader; {@link #copyFrom} keeps one past its packet.
     */
    public static final class Structure {
        int templateIdOffset;
        int decodeTargets;
        int templates;
        int chains;
        int spatialLayers;
        int temporalLayers;
        boolean resolutions;
        final int[] templateSpatial = new int[MAX_TEMPLATES];
        final int[] templateTemporal = new int[MAX_TEMPLATES];
        final byte[] templateDti = new byte[MAX_TEMPLATES * MAX_DECODE_TARGETS];
        final int[] templateFdiffCount = new int[MAX_TEMPLATES];
        final int[] templateFdiffs = new int[MAX_TEMPLATES * MAX_FDIFFS];
        final int[] templateChainFdiff = new int[MAX_TEMPLATES * MAX_DECODE_TARGETS];
        final int[] protectedBy = new int[MAX_DECODE_TARGETS];
        final int[] targetSpatial = new int[MAX_DECODE_TARGETS];
        final int[] targetTemporal = new int[MAX_DECODE_TARGETS];
        final int[] widths = new int[MAX_SPATIAL];
        final int[] heights = new int[MAX_SPATIAL];
        /** Whether this holds a structure read whole. */
        boolean valid;

        public boolean valid() {
            return valid;
        }

        public void clear() {
            valid = false;
        }

        public void copyFrom(Structure s) {
            templateIdOffset = s.templateIdOffset;
            decodeTargets = s.decodeTargets;
            templates = s.templates;
            chains = s.chains;
            spatialLayers = s.spatialLayers;
            temporalLayers = s.temporalLayers;
            resolutions = s.resolutions;
            System.arraycopy(s.templateSpatial, 0, templateSpatial, 0, MAX_TEMPLATES);
            System.arraycopy(s.templateTemporal, 0, templateTemporal, 0, MAX_TEMPLATES);
            System.arraycopy(s.templateDti, 0, templateDti, 0, templateDti.length);
            System.arraycopy(s.templateFdiffCount, 0, templateFdiffCount, 0, MAX_TEMPLATES);
            System.arraycopy(s.templateFdiffs, 0, templateFdiffs, 0, templateFdiffs.length);
            System.arraycopy(s.templateChainFdiff, 0, templateChainFdiff, 0, templateChainFdiff.length);
            System.arraycopy(s.protectedBy, 0, protectedBy, 0, MAX_DECODE_TARGETS);
            System.arraycopy(s.targetSpatial, 0, targetSpatial, 0, MAX_DECODE_TARGETS);
            System.arraycopy(s.targetTemporal, 0, targetTemporal, 0, MAX_DECODE_TARGETS);
            System.arraycopy(s.widths, 0, widths, 0, MAX_SPATIAL);
            System.arraycopy(s.heights, 0, heights, 0, MAX_SPATIAL);
            valid = s.valid;
        }

        /** template_id_offset: template ids are this plus the template's index, modulo 64. */
        public int templateIdOffset() {
            return templateIdOffset;
        }

        /** DtCnt, 1..32. */
        public int decodeTargets() {
            return decodeTargets;
        }

        public int templates() {
            return templates;
        }

        /** chain_cnt, 0..DtCnt. */
        public int chains() {
            return chains;
        }

        /** MaxSpatialId + 1. */
        public int spatialLayers() {
            return spatialLayers;
        }

        /** MaxTemporalId + 1. */
        public int temporalLayers() {
            return temporalLayers;
        }

        public int templateSpatialId(int template) {
            return templateSpatial[template];
        }

        public int templateTemporalId(int template) {
            return templateTemporal[template];
        }

        public int templateDti(int template, int decodeTarget) {
            return templateDti[template * MAX_DECODE_TARGETS + decodeTarget];
        }

        public int templateFdiffCount(int template) {
            return templateFdiffCount[template];
        }

        public int templateFdiff(int template, int i) {
            return templateFdiffs[template * MAX_FDIFFS + i];
        }

        public int templateChainFdiff(int template, int chain) {
            return templateChainFdiff[template * MAX_DECODE_TARGETS + chain];
        }

        /** The chain that protects decode target {@code dt} (when {@link #chains()} > 0). */
        public int protectedBy(int dt) {
            return protectedBy[dt];
        }

        /** The spatial layer of decode target {@code dt}: the highest of the templates it needs. */
        public int decodeTargetSpatialId(int dt) {
            return targetSpatial[dt];
        }

        public int decodeTargetTemporalId(int dt) {
            return targetTemporal[dt];
        }

        /**
         * The decode target of spatial layer {@code s} with temporal layers up to {@code t} (the highest decode target
         * at or below both), -1 when none.
         */
        public int decodeTarget(int s, int t) {
            int best = -1;
            for (int dt = 0; dt < decodeTargets; dt++) {
                if (targetSpatial[dt] <= s && targetTemporal[dt] <= t && (best < 0 || targetSpatial[dt] > targetSpatial[best]
                        || targetSpatial[dt] == targetSpatial[best] && targetTemporal[dt] > targetTemporal[best])) {
                    best = dt;
                }
            }
            return best;
        }

        /** Whether render sizes per spatial layer are given. */
        public boolean hasResolutions() {
            return resolutions;
        }

        public int width(int spatial) {
            return widths[spatial];
        }

        public int height(int spatial) {
            return heights[spatial];
        }
    }

    private final Structure attached = new Structure();
    private Structure structure;
    private byte[] buf;
    private int bitPos;
    private int bitEnd;
    private boolean overrun;

    private int off;
    private int len;
    private boolean startOfFrame;
    private boolean endOfFrame;
    private int templateId;
    private int frameNumber;
    private int templateIndex;
    private boolean structureAttached;
    private int activeDecodeTargets;
    private boolean activeDecodeTargetsPresent;
    private boolean customDtis;
    private boolean customFdiffs;
    private boolean customChains;
    private final byte[] frameDti = new byte[MAX_DECODE_TARGETS];
    private final int[] frameFdiffs = new int[MAX_FDIFFS];
    private int frameFdiffCount;
    private final int[] frameChainFdiff = new int[MAX_DECODE_TARGETS];
    /** Bit offsets (from the descriptor's start) of the structure, the bitmask and the custom fields, and their end. */
    private int structureStartBit;
    private int structureEndBit;
    private int customStartBit;
    private int endBit;

    /**
     * Reads the descriptor {@code buf[off, off+len)} (the extension's data), by the structure it carries or else
     * by {@code known} (the stream's latest; null or not {@link Structure#valid()} when none).
     *
     * @return false when refused (class comment); the accessors then must not be used
     */
    public boolean wrap(byte[] buf, int off, int len, Structure known) {
        this.buf = null;
        if (buf == null || off < 0 || len < MIN_LENGTH || off > buf.length - len) {
            return false;
        }
        this.buf = buf;
        this.bitPos = off * 8;
        this.bitEnd = (off + len) * 8;
        this.overrun = false;
        boolean ok = read(off, known);
        if (!ok || overrun) {
            this.buf = null;
            return false;
        }
        this.off = off;
        this.len = len;
        return true;
    }

    private boolean read(int off, Structure known) {
        startOfFrame = bits(1) == 1;
        endOfFrame = bits(1) == 1;
        templateId = bits(6);
        frameNumber = bits(16);
        structureAttached = false;
        activeDecodeTargetsPresent = false;
        customDtis = false;
        customFdiffs = false;
        customChains = false;
        structureStartBit = -1;
        structureEndBit = -1;
        if (bitEnd - bitPos > 0) {
            structureAttached = bits(1) == 1;
            activeDecodeTargetsPresent = bits(1) == 1;
            customDtis = bits(1) == 1;
            customFdiffs = bits(1) == 1;
            customChains = bits(1) == 1;
        }
        if (structureAttached) {
            structureStartBit = bitPos - off * 8;
            if (!readStructure(attached)) {
                return false;
            }
            structureEndBit = bitPos - off * 8;
            structure = attached;
        } else if (known != null && known.valid) {
            structure = known;
        } else {
            return false;
        }
        Structure s = structure;
        activeDecodeTargets = s.decodeTargets == 32 ? -1 : (1 << s.decodeTargets) - 1;
        if (activeDecodeTargetsPresent) {
            activeDecodeTargets = (int) longBits(s.decodeTargets);
        }
        customStartBit = bitPos - off * 8;
        templateIndex = (templateId + MAX_TEMPLATES - s.templateIdOffset) % MAX_TEMPLATES;
        if (templateIndex >= s.templates) {
            return false;
        }
        if (customDtis) {
            for (int dt = 0; dt < s.decodeTargets; dt++) {
                frameDti[dt] = (byte) bits(2);
            }
        }
        if (customFdiffs) {
            frameFdiffCount = 0;
            for (int size = bits(2); size != 0 && !overrun; size = bits(2)) {
                if (frameFdiffCount == MAX_FDIFFS) {
                    return false;
                }
                frameFdiffs[frameFdiffCount++] = bits(4 * size) + 1;
            }
        }
        if (customChains) {
            for (int c = 0; c < s.chains; c++) {
                frameChainFdiff[c] = bits(8);
            }
        }
        endBit = bitPos - off * 8;
        return !overrun;
    }

    private boolean readStructure(Structure s) {
        s.valid = false;
        s.templateIdOffset = bits(6);
        s.decodeTargets = bits(5) + 1;
        int spatial = 0;
        int temporal = 0;
        int maxTemporal = 0;
        int n = 0;
        int idc;
        do {
            if (n == MAX_TEMPLATES) {
                return false;
            }
            s.templateSpatial[n] = spatial;
            s.templateTemporal[n] = temporal;
            n++;
            idc = bits(2);
            if (idc == 1) {
                temporal++;
                maxTemporal = Math.max(maxTemporal, temporal);
            } else if (idc == 2) {
                temporal = 0;
                spatial++;
            }
            if (spatial >= MAX_SPATIAL || temporal >= MAX_TEMPORAL || overrun) {
                return false;
            }
        } while (idc != 3);
        s.templates = n;
        s.spatialLayers = spatial + 1;
        s.temporalLayers = maxTemporal + 1;
        int dts = s.decodeTargets;
        for (int t = 0; t < n; t++) {
            for (int dt = 0; dt < dts; dt++) {
                s.templateDti[t * MAX_DECODE_TARGETS + dt] = (byte) bits(2);
            }
        }
        for (int t = 0; t < n; t++) {
            int count = 0;
            while (bits(1) == 1 && !overrun) {
                if (count == MAX_FDIFFS) {
                    return false;
                }
                s.templateFdiffs[t * MAX_FDIFFS + count++] = bits(4) + 1;
            }
            s.templateFdiffCount[t] = count;
        }
        s.chains = ns(dts + 1);
        if (s.chains > 0) {
            for (int dt = 0; dt < dts; dt++) {
                s.protectedBy[dt] = ns(s.chains);
            }
            for (int t = 0; t < n; t++) {
                for (int c = 0; c < s.chains; c++) {
                    s.templateChainFdiff[t * MAX_DECODE_TARGETS + c] = bits(4);
                }
            }
        }
        for (int dt = 0; dt < dts; dt++) {
            int sMax = 0;
            int tMax = 0;
            for (int t = 0; t < n; t++) {
                if (s.templateDti[t * MAX_DECODE_TARGETS + dt] != DTI_NOT_PRESENT) {
                    sMax = Math.max(sMax, s.templateSpatial[t]);
                    tMax = Math.max(tMax, s.templateTemporal[t]);
                }
            }
            s.targetSpatial[dt] = sMax;
            s.targetTemporal[dt] = tMax;
        }
        s.resolutions = bits(1) == 1;
        if (s.resolutions) {
            for (int sp = 0; sp < s.spatialLayers; sp++) {
                s.widths[sp] = bits(16) + 1;
                s.heights[sp] = bits(16) + 1;
            }
        }
        s.valid = !overrun;
        return s.valid;
    }

    /** The next {@code n} (0..16) bits; zeros past the end, with {@link #overrun} set. */
    private int bits(int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            int b;
            if (bitPos >= bitEnd) {
                overrun = true;
                b = 0;
            } else {
                b = (buf[bitPos >>> 3] >>> (7 - (bitPos & 7))) & 1;
                bitPos++;
            }
            v = v << 1 | b;
        }
        return v;
    }

    private long longBits(int n) {
        return n > 16 ? (long) bits(n - 16) << 16 | bits(16) : bits(n);
    }

    /** ns(n): a non-symmetric unsigned value below {@code n} (AV1 specification 4.10.7). */
    private int ns(int n) {
        int w = 32 - Integer.numberOfLeadingZeros(n);
        int m = (1 << w) - n;
        int v = bits(w - 1);
        return v < m ? v : (v << 1) - m + bits(1);
    }

    /** The structure this packet was read by: the one it carries, else the one passed in. */
    public Structure structure() {
        return structure;
    }

    /** Whether this packet carries a template dependency structure (its key frame's new one). */
    public boolean structureAttached() {
        return structureAttached;
    }

    public boolean startOfFrame() {
        return startOfFrame;
    }

    public boolean endOfFrame() {
        return endOfFrame;
    }

    /** frame_number, 16 bits. */
    public int frameNumber() {
        return frameNumber;
    }

    public int templateId() {
        return templateId;
    }

    /** The template's index in the structure. */
    public int templateIndex() {
        return templateIndex;
    }

    public int spatialId() {
        return structure.templateSpatial[templateIndex];
    }

    public int temporalId() {
        return structure.templateTemporal[templateIndex];
    }

    /** The frame's indication for decode target {@code dt}: its own when custom, else its template's. */
    public int dti(int dt) {
        return customDtis ? frameDti[dt] : structure.templateDti(templateIndex, dt);
    }

    public int fdiffCount() {
        return customFdiffs ? frameFdiffCount : structure.templateFdiffCount[templateIndex];
    }

    public int fdiff(int i) {
        return customFdiffs ? frameFdiffs[i] : structure.templateFdiff(templateIndex, i);
    }

    public int chainDiff(int chain) {
        return customChains ? frameChainFdiff[chain] : structure.templateChainFdiff(templateIndex, chain);
    }

    /** Whether active_decode_targets_bitmask is present. */
    public boolean activeDecodeTargetsPresent() {
        return activeDecodeTargetsPresent;
    }

    /** The active decode targets (bit dt), all of them when not given. */
    public int activeDecodeTargets() {
        return activeDecodeTargets;
    }

    /** Bytes of descriptor that the fields use (the rest is zero padding). */
    public int usedLength() {
        return (endBit + 7) / 8;
    }

    public int length() {
        return len;
    }

    /**
     * Writes this descriptor to {@code dst[dstOff..]} with {@code activeDecodeTargets} as its
     * active_decode_targets_bitmask (extended fields added when it had none): the mandatory fields, the structure and
     * the custom fields as read, zero padding to the byte. Returns the length written, -1 when it does not fit in
     * {@code capacity}. {@code dst} must not overlap the descriptor read.
     */
    public int writeWithActiveDecodeTargets(byte[] dst, int dstOff, int capacity, int activeDecodeTargets) {
        int dts = structure.decodeTargets;
        int bits = 24 + 5 + (structureEndBit - structureStartBit) + dts + (endBit - customStartBit);
        int n = (bits + 7) / 8;
        if (n > capacity || dstOff < 0 || dstOff > dst.length - n) {
            return -1;
        }
        java.util.Arrays.fill(dst, dstOff, dstOff + n, (byte) 0);
        int at = dstOff * 8;
        at = copyBits(dst, at, 0, 24);
        int flags = (structureAttached ? 0x10 : 0) | 0x08 | (customDtis ? 0x04 : 0) | (customFdiffs ? 0x02 : 0)
                | (customChains ? 0x01 : 0);
        at = putBits(dst, at, flags, 5);
        if (structureAttached) {
            at = copyBits(dst, at, structureStartBit, structureEndBit - structureStartBit);
        }
        for (int i = dts - 1; i >= 0; i--) {
            at = putBits(dst, at, (activeDecodeTargets >>> i) & 1, 1);
        }
        copyBits(dst, at, customStartBit, endBit - customStartBit);
        return n;
    }

    private int copyBits(byte[] dst, int at, int fromBit, int count) {
        int src = off * 8 + fromBit;
        for (int i = 0; i < count; i++, src++) {
            at = putBits(dst, at, (buf[src >>> 3] >>> (7 - (src & 7))) & 1, 1);
        }
        return at;
    }

    private static int putBits(byte[] dst, int at, int value, int count) {
        for (int i = count - 1; i >= 0; i--, at++) {
            if (((value >>> i) & 1) != 0) {
                dst[at >>> 3] |= (byte) (0x80 >>> (at & 7));
            }
        }
        return at;
    }
}
