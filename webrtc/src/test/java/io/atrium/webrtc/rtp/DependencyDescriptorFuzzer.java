package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link DependencyDescriptor} (AV1 RTP specification appendix A), read alone and
 * by a known {@code L3T3_KEY} structure ({@link DependencyDescriptors}): nothing may throw; the same bytes at an offset
 * inside a larger array read the same; an accepted descriptor's layers, template, indications, diffs and structure lie
 * within the structure's and the specification's bounds; a structure it carries, kept and used again, reads it the
 * same; the active decode targets rewrite reads back with the new mask and every other field unchanged, and writes
 * nothing outside its room. Corpus: {@code src/test/resources/io/atrium/webrtc/rtp/DependencyDescriptorFuzzerInputs/fuzz/}.
 */
public class DependencyDescriptorFuzzer {
    private static final int SHIFT = 3;
    private static final int GUARD = 5;

    private final DependencyDescriptor dd = new DependencyDescriptor();
    private final DependencyDescriptor again = new DependencyDescriptor();
    private final DependencyDescriptor.Structure known = DependencyDescriptorTest.l3t3();
    private final DependencyDescriptor.Structure kept = new DependencyDescriptor.Structure();

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        boolean byKnown = data.consumeBoolean();
        int mask = data.consumeInt();
        byte[] input = data.consumeRemainingAsBytes();
        DependencyDescriptor.Structure by = byKnown ? known : null;
        boolean ok = dd.wrap(input.clone(), 0, input.length, by);
        byte[] big = new byte[SHIFT + input.length + GUARD];
        Arrays.fill(big, (byte) 0x5A);
        System.arraycopy(input, 0, big, SHIFT, input.length);
        assertThat(again.wrap(big, SHIFT, input.length, by)).isEqualTo(ok);
        if (!ok) {
            return;
        }
        assertThat(again.frameNumber()).isEqualTo(dd.frameNumber());
        assertThat(again.templateIndex()).isEqualTo(dd.templateIndex());
        DependencyDescriptor.Structure s = dd.structure();
        assertThat(s.valid()).isTrue();
        assertThat(dd.structureAttached() || by != null).isTrue();
        assertThat(s.decodeTargets()).isBetween(1, DependencyDescriptor.MAX_DECODE_TARGETS);
        assertThat(s.templates()).isBetween(1, DependencyDescriptor.MAX_TEMPLATES);
        assertThat(s.chains()).isBetween(0, s.decodeTargets());
        assertThat(s.spatialLayers()).isBetween(1, DependencyDescriptor.MAX_SPATIAL);
        assertThat(s.temporalLayers()).isBetween(1, DependencyDescriptor.MAX_TEMPORAL);
        for (int dt = 0; dt < s.decodeTargets(); dt++) {
            if (s.chains() > 0) {
                assertThat(s.protectedBy(dt)).isBetween(0, s.chains() - 1);
            }
            assertThat(s.decodeTargetSpatialId(dt)).isLessThan(s.spatialLayers());
            assertThat(s.decodeTargetTemporalId(dt)).isLessThan(s.temporalLayers());
            assertThat(dd.dti(dt)).isBetween(0, 3);
        }
        assertThat(dd.templateIndex()).isBetween(0, s.templates() - 1);
        assertThat(dd.spatialId()).isLessThan(s.spatialLayers());
        assertThat(dd.temporalId()).isLessThan(s.temporalLayers());
        assertThat(dd.fdiffCount()).isBetween(0, DependencyDescriptor.MAX_FDIFFS);
        for (int i = 0; i < dd.fdiffCount(); i++) {
            assertThat(dd.fdiff(i)).isBetween(1, 1 << 12);
        }
        for (int c = 0; c < s.chains(); c++) {
            assertThat(dd.chainDiff(c)).isBetween(0, 255);
        }
        assertThat(dd.usedLength()).isBetween(DependencyDescriptor.MIN_LENGTH, input.length);
        int[] fields = {dd.frameNumber(), dd.templateIndex(), dd.spatialId(), dd.temporalId(), dd.fdiffCount(),
            dd.startOfFrame() ? 1 : 0, dd.endOfFrame() ? 1 : 0};
        if (dd.structureAttached()) {
            kept.copyFrom(s);
            assertThat(again.wrap(input, 0, input.length, kept)).isTrue();
            assertThat(again.spatialId()).isEqualTo(dd.spatialId());
        }
        int dts = s.decodeTargets();
        int active = dts == 32 ? mask : mask & ((1 << dts) - 1);
        // the mask adds at most 5 flag bits and 32 bits to what was read (and a descriptor without extended fields
        // is 3 bytes), so the rewrite is never more than 5 bytes longer, whatever the input's length
        int capacity = dd.usedLength() + 5;
        byte[] out = new byte[SHIFT + capacity + GUARD];
        Arrays.fill(out, (byte) 0x5A);
        int n = dd.writeWithActiveDecodeTargets(out, SHIFT, capacity, active);
        assertThat(n).isBetween(DependencyDescriptor.MIN_LENGTH + 1, capacity);
        assertThat(Arrays.copyOfRange(out, 0, SHIFT)).containsOnly(0x5A);
        assertThat(Arrays.copyOfRange(out, SHIFT + n, out.length)).containsOnly(0x5A);
        assertThat(again.wrap(out, SHIFT, n, by)).isTrue();
        assertThat(again.activeDecodeTargets()).isEqualTo(active);
        assertThat(new int[] {again.frameNumber(), again.templateIndex(), again.spatialId(), again.temporalId(), again.fdiffCount(),
            again.startOfFrame() ? 1 : 0, again.endOfFrame() ? 1 : 0}).containsExactly(fields);
    }
}
