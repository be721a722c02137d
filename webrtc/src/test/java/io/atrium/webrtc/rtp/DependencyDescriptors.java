package io.atrium.webrtc.rtp;

import java.util.Arrays;

/**
 * Writes AV1 dependency descriptors for tests (AV1 RTP specification appendix A), with a structure shaped as Chrome's
 * {@code L3T3_KEY}: three spatial layers of three temporal layers each, nine decode targets (decode target 3s+t is
 * spatial layer s with temporal layers 0..t), three chains (one per spatial layer), sizes 320×180, 640×360, 1280×720,
 * and template_id_offset 60 (so template ids wrap past 63). Templates, in structure order: per spatial layer s, a key
 * template (S0's needed by every decode target, Ss's by those of layer s and up), then T0, T1, T2 of layer s; a T1 frame
 * is a switch point of its decode target, a T2 frame discardable.
 */
public final class DependencyDescriptors {

    public static final int TEMPLATE_ID_OFFSET = 60;
    public static final int[][] SIZES = {{320, 180}, {640, 360}, {1280, 720}};
    static final int LAYERS = 3;
    static final int TEMPLATES = 4 * LAYERS;
    static final int DECODE_TARGETS = LAYERS * LAYERS;

    private DependencyDescriptors() {
    }

    /** The index of spatial layer {@code s}'s key template, or of its template of temporal layer {@code t}. */
    public static int template(int s, int t, boolean key) {
        return 4 * s + (key ? 0 : 1 + t);
    }

    /** The template id of template index {@code index}. */
    public static int templateId(int index) {
        return (TEMPLATE_ID_OFFSET + index) % 64;
    }

    static int spatial(int template) {
        return template / 4;
    }

    static int temporal(int template) {
        return template % 4 == 0 ? 0 : template % 4 - 1;
    }

    static int dti(int template, int dt) {
        int s = spatial(template);
        int ds = dt / LAYERS;
        int dtt = dt % LAYERS;
        if (template % 4 == 0) {
            return ds >= s ? DependencyDescriptor.DTI_REQUIRED : DependencyDescriptor.DTI_NOT_PRESENT;
        }
        int t = temporal(template);
        if (ds != s || dtt < t) {
            return DependencyDescriptor.DTI_NOT_PRESENT;
        }
        return t == 0 ? DependencyDescriptor.DTI_REQUIRED : t == 1 ? DependencyDescriptor.DTI_SWITCH : DependencyDescriptor.DTI_DISCARDABLE;
    }

    static int[] fdiffs(int template) {
        if (template % 4 == 0) {
            return spatial(template) == 0 ? new int[0] : new int[] {1};
        }
        return new int[] {new int[] {12, 6, 3}[temporal(template)]};
    }

    static int chainFdiff(int template, int chain) {
        return template % 4 == 0 ? (chain < spatial(template) ? 1 : 0) : 3 * (temporal(template) + 1) % 16;
    }

    /** A packet of the frame of template {@code index} with only the mandatory fields. */
    public static byte[] packet(int index, int frameNumber, boolean start, boolean end) {
        return descriptor(index, frameNumber, start, end, false, -1, null, null, null);
    }

    /** A packet of the frame of template {@code index} that carries the structure (a key frame's first packet). */
    public static byte[] withStructure(int index, int frameNumber, boolean start, boolean end) {
        return descriptor(index, frameNumber, start, end, true, -1, null, null, null);
    }

    /**
     * A descriptor: the mandatory fields; when anything else is asked, the extended fields with the structure
     * ({@code structure}), active_decode_targets_bitmask ({@code active} ≥ 0), custom dtis, fdiffs and chain diffs
     * (non-null).
     */
    public static byte[] descriptor(int index, int frameNumber, boolean start, boolean end, boolean structure, int active,
                                    int[] dtis, int[] fdiffs, int[] chains) {
        Bits b = new Bits();
        b.put(start ? 1 : 0, 1);
        b.put(end ? 1 : 0, 1);
        b.put(templateId(index), 6);
        b.put(frameNumber, 16);
        if (structure || active >= 0 || dtis != null || fdiffs != null || chains != null) {
            b.put(structure ? 1 : 0, 1);
            b.put(active >= 0 ? 1 : 0, 1);
            b.put(dtis != null ? 1 : 0, 1);
            b.put(fdiffs != null ? 1 : 0, 1);
            b.put(chains != null ? 1 : 0, 1);
            if (structure) {
                structure(b);
            }
            if (active >= 0) {
                b.put(active, DECODE_TARGETS);
            }
            if (dtis != null) {
                for (int d : dtis) {
                    b.put(d, 2);
                }
            }
            if (fdiffs != null) {
                for (int f : fdiffs) {
                    int size = f - 1 < 16 ? 1 : f - 1 < 256 ? 2 : 3;
                    b.put(size, 2);
                    b.put(f - 1, 4 * size);
                }
                b.put(0, 2);
            }
            if (chains != null) {
                for (int c : chains) {
                    b.put(c, 8);
                }
            }
        }
        return b.bytes();
    }

    private static void structure(Bits b) {
        b.put(TEMPLATE_ID_OFFSET, 6);
        b.put(DECODE_TARGETS - 1, 5);
        for (int t = 0; t < TEMPLATES; t++) { // next_layer_idc after each template
            b.put(t == TEMPLATES - 1 ? 3 : t % 4 == 3 ? 2 : t % 4 == 0 ? 0 : 1, 2);
        }
        for (int t = 0; t < TEMPLATES; t++) {
            for (int dt = 0; dt < DECODE_TARGETS; dt++) {
                b.put(dti(t, dt), 2);
            }
        }
        for (int t = 0; t < TEMPLATES; t++) {
            for (int f : fdiffs(t)) {
                b.put(1, 1);
                b.put(f - 1, 4);
            }
            b.put(0, 1);
        }
        b.ns(DECODE_TARGETS + 1, LAYERS); // chain_cnt
        for (int dt = 0; dt < DECODE_TARGETS; dt++) {
            b.ns(LAYERS, dt / LAYERS);
        }
        for (int t = 0; t < TEMPLATES; t++) {
            for (int c = 0; c < LAYERS; c++) {
                b.put(chainFdiff(t, c), 4);
            }
        }
        b.put(1, 1);
        for (int[] size : SIZES) {
            b.put(size[0] - 1, 16);
            b.put(size[1] - 1, 16);
        }
    }

    /** An MSB-first bit writer. */
    public static final class Bits {
        private byte[] buf = new byte[64];
        private int bits;

        public Bits put(long value, int width) {
            for (int i = width - 1; i >= 0; i--) {
                if (bits / 8 >= buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                if (((value >>> i) & 1) != 0) {
                    buf[bits / 8] |= (byte) (0x80 >>> (bits % 8));
                }
                bits++;
            }
            return this;
        }

        /** ns(n) (AV1 specification 4.10.7) of {@code value} below {@code n}. */
        public Bits ns(int n, int value) {
            int w = 32 - Integer.numberOfLeadingZeros(n);
            int m = (1 << w) - n;
            if (value < m) {
                return put(value, w - 1);
            }
            int x = value + m;
            return put(x >>> 1, w - 1).put(x & 1, 1);
        }

        public byte[] bytes() {
            return Arrays.copyOf(buf, (bits + 7) / 8);
        }
    }
}
