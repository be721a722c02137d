package io.atrium.webrtc.rtp;

import static io.atrium.webrtc.rtp.DependencyDescriptor.DTI_DISCARDABLE;
import static io.atrium.webrtc.rtp.DependencyDescriptor.DTI_NOT_PRESENT;
import static io.atrium.webrtc.rtp.DependencyDescriptor.DTI_REQUIRED;
import static io.atrium.webrtc.rtp.DependencyDescriptor.DTI_SWITCH;
import static io.atrium.webrtc.rtp.DependencyDescriptors.template;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tables for {@link DependencyDescriptor} (AV1 RTP specification appendix A) on descriptors shaped as Chrome's
 * {@code L3T3_KEY} ({@link DependencyDescriptors}): the structure a key frame carries, each later packet's layers by its
 * template, custom fields, the active decode targets rewrite, and refusals: every cut, templates the structure lacks,
 * no structure to read by, limits.
 */
class DependencyDescriptorTest {

    final DependencyDescriptor dd = new DependencyDescriptor();

    static DependencyDescriptor.Structure l3t3() {
        DependencyDescriptor r = new DependencyDescriptor();
        byte[] b = DependencyDescriptors.withStructure(template(0, 0, true), 1, true, false);
        assertThat(r.wrap(b, 0, b.length, null)).isTrue();
        DependencyDescriptor.Structure s = new DependencyDescriptor.Structure();
        s.copyFrom(r.structure());
        return s;
    }

    @Test
    void aKeyFramesStructureGivesTemplatesDecodeTargetsChainsAndSizes() {
        byte[] b = DependencyDescriptors.withStructure(template(0, 0, true), 0xBEEF, true, false);
        byte[] at = new byte[b.length + 7];
        System.arraycopy(b, 0, at, 5, b.length);
        assertThat(dd.wrap(at, 5, b.length, null)).isTrue();
        assertThat(dd.structureAttached()).isTrue();
        assertThat(dd.startOfFrame()).isTrue();
        assertThat(dd.endOfFrame()).isFalse();
        assertThat(dd.frameNumber()).isEqualTo(0xBEEF);
        assertThat(dd.templateId()).isEqualTo(60);
        assertThat(dd.templateIndex()).isZero();
        assertThat(dd.spatialId()).isZero();
        assertThat(dd.temporalId()).isZero();
        DependencyDescriptor.Structure s = dd.structure();
        assertThat(s.valid()).isTrue();
        assertThat(s.templateIdOffset()).isEqualTo(60);
        assertThat(s.templates()).isEqualTo(12);
        assertThat(s.decodeTargets()).isEqualTo(9);
        assertThat(s.chains()).isEqualTo(3);
        assertThat(s.spatialLayers()).isEqualTo(3);
        assertThat(s.temporalLayers()).isEqualTo(3);
        assertThat(s.hasResolutions()).isTrue();
        assertThat(new int[] {s.width(0), s.height(0), s.width(1), s.height(1), s.width(2), s.height(2)})
                .containsExactly(320, 180, 640, 360, 1280, 720);
        for (int t = 0; t < 12; t++) {
            assertThat(s.templateSpatialId(t)).as("template %d", t).isEqualTo(DependencyDescriptors.spatial(t));
            assertThat(s.templateTemporalId(t)).as("template %d", t).isEqualTo(DependencyDescriptors.temporal(t));
            int[] fdiffs = DependencyDescriptors.fdiffs(t);
            assertThat(s.templateFdiffCount(t)).isEqualTo(fdiffs.length);
            for (int i = 0; i < fdiffs.length; i++) {
                assertThat(s.templateFdiff(t, i)).isEqualTo(fdiffs[i]);
            }
            for (int c = 0; c < 3; c++) {
                assertThat(s.templateChainFdiff(t, c)).isEqualTo(DependencyDescriptors.chainFdiff(t, c));
            }
            for (int dt = 0; dt < 9; dt++) {
                assertThat(s.templateDti(t, dt)).isEqualTo(DependencyDescriptors.dti(t, dt));
            }
        }
        for (int dt = 0; dt < 9; dt++) {
            assertThat(s.decodeTargetSpatialId(dt)).isEqualTo(dt / 3);
            assertThat(s.decodeTargetTemporalId(dt)).isEqualTo(dt % 3);
            assertThat(s.protectedBy(dt)).isEqualTo(dt / 3);
            assertThat(s.decodeTarget(dt / 3, dt % 3)).isEqualTo(dt);
        }
        assertThat(s.decodeTarget(2, 7)).isEqualTo(8);
        assertThat(dd.activeDecodeTargets()).isEqualTo(0x1FF);
        assertThat(dd.activeDecodeTargetsPresent()).isFalse();
    }

    static Stream<Arguments> packetsByTemplate() {
        return Stream.of(
                // template, spatial, temporal, dti for decode targets 0..8
                Arguments.of(template(0, 0, true), 0, 0, new int[] {3, 3, 3, 3, 3, 3, 3, 3, 3}),
                Arguments.of(template(1, 0, true), 1, 0, new int[] {0, 0, 0, 3, 3, 3, 3, 3, 3}),
                Arguments.of(template(0, 0, false), 0, 0, new int[] {3, 3, 3, 0, 0, 0, 0, 0, 0}),
                Arguments.of(template(0, 1, false), 0, 1, new int[] {0, 2, 2, 0, 0, 0, 0, 0, 0}),
                Arguments.of(template(1, 2, false), 1, 2, new int[] {0, 0, 0, 0, 0, 1, 0, 0, 0}),
                Arguments.of(template(2, 1, false), 2, 1, new int[] {0, 0, 0, 0, 0, 0, 0, 2, 2}));
    }

    @ParameterizedTest
    @MethodSource("packetsByTemplate")
    void aMandatoryOnlyPacketIsReadByTheKnownStructure(int template, int spatial, int temporal, int[] dtis) {
        byte[] b = DependencyDescriptors.packet(template, 7, false, true);
        assertThat(b).hasSize(3);
        assertThat(dd.wrap(b, 0, 3, l3t3())).isTrue();
        assertThat(dd.structureAttached()).isFalse();
        assertThat(dd.startOfFrame()).isFalse();
        assertThat(dd.endOfFrame()).isTrue();
        assertThat(dd.frameNumber()).isEqualTo(7);
        assertThat(dd.spatialId()).isEqualTo(spatial);
        assertThat(dd.temporalId()).isEqualTo(temporal);
        int[] got = new int[9];
        for (int dt = 0; dt < 9; dt++) {
            got[dt] = dd.dti(dt);
        }
        assertThat(got).containsExactly(dtis);
        assertThat(dd.fdiffCount()).isEqualTo(DependencyDescriptors.fdiffs(template).length);
        assertThat(dd.usedLength()).isEqualTo(3);
    }

    @Test
    void customDtisFdiffsAndChainsOverrideTheTemplates() {
        int[] dtis = {DTI_REQUIRED, DTI_SWITCH, DTI_DISCARDABLE, DTI_NOT_PRESENT, 0, 0, 0, 0, DTI_SWITCH};
        byte[] b = DependencyDescriptors.descriptor(template(0, 1, false), 9, true, true, false, 0x03F, dtis,
                new int[] {1, 16, 17, 300}, new int[] {0, 255, 7});
        assertThat(dd.wrap(b, 0, b.length, l3t3())).isTrue();
        for (int dt = 0; dt < 9; dt++) {
            assertThat(dd.dti(dt)).isEqualTo(dtis[dt]);
        }
        assertThat(dd.fdiffCount()).isEqualTo(4);
        assertThat(new int[] {dd.fdiff(0), dd.fdiff(1), dd.fdiff(2), dd.fdiff(3)}).containsExactly(1, 16, 17, 300);
        assertThat(new int[] {dd.chainDiff(0), dd.chainDiff(1), dd.chainDiff(2)}).containsExactly(0, 255, 7);
        assertThat(dd.activeDecodeTargetsPresent()).isTrue();
        assertThat(dd.activeDecodeTargets()).isEqualTo(0x03F);
        assertThat(dd.spatialId()).isZero();
        assertThat(dd.temporalId()).isEqualTo(1);
    }

    @Test
    void everyCutOfAStructureIsRefused() {
        byte[] b = DependencyDescriptors.withStructure(template(0, 0, true), 1, true, false);
        for (int n = 0; n < b.length; n++) {
            assertThat(dd.wrap(Arrays.copyOf(b, n), 0, n, null)).as("%d of %d bytes", n, b.length).isFalse();
        }
        assertThat(dd.wrap(b, 0, b.length, null)).isTrue();
    }

    @Test
    void everyCutOfCustomFieldsIsRefusedButTheMandatoryFieldsAloneAreADescriptor() {
        DependencyDescriptor.Structure known = l3t3();
        byte[] b = DependencyDescriptors.descriptor(template(2, 2, false), 9, true, true, false, 0x1FF,
                new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, new int[] {5, 4000}, new int[] {1, 2, 3});
        for (int n = 0; n < b.length; n++) {
            // three bytes are a descriptor of their own (mandatory fields, no extended ones: A.8.1)
            assertThat(dd.wrap(Arrays.copyOf(b, n), 0, n, known)).as("%d of %d bytes", n, b.length).isEqualTo(n == 3);
        }
        assertThat(dd.wrap(b, 0, b.length, known)).isTrue();
    }

    @Test
    void refusedWithoutAStructureOrForATemplateItLacks() {
        byte[] b = DependencyDescriptors.packet(template(0, 0, false), 1, true, true);
        assertThat(dd.wrap(b, 0, b.length, null)).isFalse();
        assertThat(dd.wrap(b, 0, b.length, new DependencyDescriptor.Structure())).isFalse();
        byte[] unknown = {(byte) (0xC0 | (DependencyDescriptors.TEMPLATE_ID_OFFSET + 12) % 64), 0, 1};
        assertThat(dd.wrap(unknown, 0, 3, l3t3())).as("template index 12 of 12").isFalse();
        assertThat(dd.wrap(b, 1, b.length, l3t3())).as("past the array").isFalse();
        assertThat(dd.wrap(null, 0, 3, l3t3())).isFalse();
    }

    @Test
    void structuresBeyondTheLimitsAreRefused() {
        // 65 templates in one layer
        DependencyDescriptors.Bits b = new DependencyDescriptors.Bits().put(0xC0, 8).put(0, 16).put(0x10, 5).put(0, 6).put(0, 5);
        for (int t = 0; t < 64; t++) {
            b.put(0, 2);
        }
        b.put(3, 2);
        assertThat(wrapAlone(b.bytes())).isFalse();
        // five spatial layers
        b = new DependencyDescriptors.Bits().put(0xC0, 8).put(0, 16).put(0x10, 5).put(0, 6).put(0, 5);
        for (int t = 0; t < 4; t++) {
            b.put(2, 2);
        }
        b.put(3, 2);
        assertThat(wrapAlone(b.bytes())).isFalse();
        // 17 frame diffs in one template (one decode target, one template: dti 2 bits, then the fdiffs)
        b = new DependencyDescriptors.Bits().put(0xC0, 8).put(0, 16).put(0x10, 5).put(0, 6).put(0, 5).put(3, 2).put(3, 2);
        for (int i = 0; i < 17; i++) {
            b.put(1, 1).put(0, 4);
        }
        b.put(0, 1).put(0, 1).put(0, 1).put(0, 8);
        assertThat(wrapAlone(b.bytes())).isFalse();
        // the same with 16: read
        b = new DependencyDescriptors.Bits().put(0xC0, 8).put(0, 16).put(0x10, 5).put(0, 6).put(0, 5).put(3, 2).put(3, 2);
        for (int i = 0; i < 16; i++) {
            b.put(1, 1).put(0, 4);
        }
        b.put(0, 1).put(0, 1).put(0, 1).put(0, 8);
        assertThat(wrapAlone(b.bytes())).isTrue();
        assertThat(dd.fdiffCount()).isEqualTo(16);
        assertThat(dd.structure().chains()).isZero();
        assertThat(dd.structure().hasResolutions()).isFalse();
    }

    private boolean wrapAlone(byte[] b) {
        return dd.wrap(b, 0, b.length, null);
    }

    static Stream<Arguments> rewrites() {
        int key = template(0, 0, true);
        int t1 = template(1, 1, false);
        return Stream.of(
                Arguments.of("mandatory fields only", DependencyDescriptors.packet(t1, 40, true, false), false),
                Arguments.of("with the structure", DependencyDescriptors.withStructure(key, 41, true, true), true),
                Arguments.of("with a mask and custom fields", DependencyDescriptors.descriptor(t1, 42, false, true, false,
                        0x1FF, new int[] {0, 0, 0, 3, 2, 2, 0, 0, 0}, new int[] {3, 20}, new int[] {9, 8, 7}), false),
                Arguments.of("structure, mask and custom fields", DependencyDescriptors.descriptor(key, 43, true, false, true,
                        0x0FF, null, new int[] {1}, new int[] {1, 2, 3}), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rewrites")
    void theActiveDecodeTargetsRewriteKeepsEveryOtherField(String name, byte[] in, boolean structure) {
        DependencyDescriptor.Structure known = l3t3();
        assertThat(dd.wrap(in, 0, in.length, known)).isTrue();
        int fdiffs = dd.fdiffCount();
        int[] before = {dd.frameNumber(), dd.templateIndex(), dd.startOfFrame() ? 1 : 0, dd.endOfFrame() ? 1 : 0,
            fdiffs > 0 ? dd.fdiff(fdiffs - 1) : -1, dd.chainDiff(2), dd.dti(4)};
        byte[] out = new byte[300];
        int n = dd.writeWithActiveDecodeTargets(out, 2, 290, 0x0B);
        assertThat(n).isPositive();
        DependencyDescriptor again = new DependencyDescriptor();
        assertThat(again.wrap(out, 2, n, known)).isTrue();
        assertThat(again.structureAttached()).isEqualTo(structure);
        assertThat(again.activeDecodeTargetsPresent()).isTrue();
        assertThat(again.activeDecodeTargets()).isEqualTo(0x0B);
        assertThat(new int[] {again.frameNumber(), again.templateIndex(), again.startOfFrame() ? 1 : 0, again.endOfFrame() ? 1 : 0,
            again.fdiffCount() > 0 ? again.fdiff(again.fdiffCount() - 1) : -1, again.chainDiff(2), again.dti(4)}).containsExactly(before);
        assertThat(again.fdiffCount()).isEqualTo(fdiffs);
        assertThat(dd.writeWithActiveDecodeTargets(out, 2, n - 1, 0x0B)).as("no room").isEqualTo(-1);
    }
}
