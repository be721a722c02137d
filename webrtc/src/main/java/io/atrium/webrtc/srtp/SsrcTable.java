package io.atrium.webrtc.srtp;

/**
 * Open-addressing map from SSRC to {@link SsrcState} with a fixed capacity, linear probing and
 * backward-shift deletion: lookups allocate nothing, only {@link #create} allocates (once per SSRC).
 */
final class SsrcTable {
    private final int[] keys;
    private final SsrcState[] values;
    private final int mask;
    private final int shift;
    private final int maxEntries;
    private int size;

    SsrcTable(int maxEntries) {
        int slots = Integer.highestOneBit(Math.max(2, maxEntries) * 2 - 1) << 1;
        keys = new int[slots];
        values = new SsrcState[slots];
        mask = slots - 1;
        shift = 32 - Integer.numberOfTrailingZeros(slots);
        this.maxEntries = maxEntries;
    }

    private int home(int ssrc) {
        return (ssrc * 0x9E3779B9) >>> shift;
    }

    SsrcState get(int ssrc) {
        for (int i = home(ssrc); ; i = (i + 1) & mask) {
            SsrcState state = values[i];
            if (state == null || keys[i] == ssrc) {
                return state;
            }
        }
    }

    boolean isFull() {
        return size >= maxEntries;
    }

    int size() {
        return size;
    }

    /** Adds state for an SSRC that is absent; the caller checked {@link #isFull()}. */
    SsrcState create(int ssrc) {
        int i = home(ssrc);
        while (values[i] != null) {
            i = (i + 1) & mask;
        }
        SsrcState state = new SsrcState();
        keys[i] = ssrc;
        values[i] = state;
        size++;
        return state;
    }

    boolean remove(int ssrc) {
        int i = home(ssrc);
        while (values[i] != null && keys[i] != ssrc) {
            i = (i + 1) & mask;
        }
        if (values[i] == null) {
            return false;
        }
        values[i] = null;
        size--;
        for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int k = home(keys[j]);
            boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!stays) {
                keys[i] = keys[j];
                values[i] = values[j];
                values[j] = null;
                i = j;
            }
        }
        return true;
    }
}
