package io.atrium.server.sfu;

import static io.atrium.webrtc.rtp.DependencyDescriptors.template;
import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.rtp.DependencyDescriptors;
import org.junit.jupiter.api.Test;

/**
 * The AV1 stream's template dependency structure kept by {@link Keyframes}: a structure replaces the kept one only
 * when its key frame is not older than the kept one's (frame numbers, 16-bit, in serial order), so a late copy of an
 * earlier key frame's first packet (a retransmission, reordering) does not bring back a structure the publisher
 * replaced (the later packets would be read by the wrong templates); the frame numbers of a new SSRC start anew.
 */
class KeyframesStructureTest {

    /** The first packet of a key frame of a one-layer stream (L1T1, template id offset 0) carrying its structure. */
    static byte[] oneLayerKey(int frameNumber) {
        return new DependencyDescriptors.Bits()
                .put(1, 1).put(1, 1).put(0, 6).put(frameNumber, 16) // start, end, template id 0, frame number
                .put(1, 1).put(0, 4)                                 // structure present, nothing custom
                .put(0, 6).put(0, 5).put(3, 2)                       // offset 0, one decode target, one template
                .put(2, 2).put(0, 1)                                 // DTI switch, no frame diffs
                .ns(2, 0).put(0, 1)                                  // no chains, no resolutions
                .bytes();
    }

    static void read(Keyframes k, byte[] dd) {
        k.dependencyDescriptor(dd, 0, dd.length);
    }

    @Test
    void aLateCopyOfAnEarlierKeyFramesStructureIsNotTaken() {
        Keyframes k = new Keyframes();
        read(k, oneLayerKey(100));
        assertThat(k.spatialLayers()).isEqualTo(1);
        read(k, DependencyDescriptors.withStructure(template(0, 0, true), 300, true, true));
        assertThat(k.spatialLayers()).isEqualTo(3);

        read(k, oneLayerKey(100)); // the retransmission of the first key frame's packet, late
        assertThat(k.spatialLayers()).isEqualTo(3);
        assertThat(k.structure().templateIdOffset()).isEqualTo(DependencyDescriptors.TEMPLATE_ID_OFFSET);
        read(k, DependencyDescriptors.packet(template(2, 1, false), 304, true, true));
        assertThat(k.spatialId()).isEqualTo(2); // still read by the publisher's current templates
        assertThat(k.temporalId()).isEqualTo(1);
    }

    @Test
    void aNewSsrcsStructureIsTakenWhateverItsFrameNumber() {
        Keyframes k = new Keyframes();
        read(k, DependencyDescriptors.withStructure(template(0, 0, true), 300, true, true));
        k.newSsrc(); // the publisher's encoder started a new stream: its frame numbers start anew
        read(k, oneLayerKey(100));
        assertThat(k.spatialLayers()).isEqualTo(1);
        read(k, DependencyDescriptors.withStructure(template(0, 0, true), 50, true, true)); // and are ordered again
        assertThat(k.spatialLayers()).isEqualTo(1);
    }

    @Test
    void aNewerStructureIsTakenAlsoAcrossTheFrameNumbersWrap() {
        Keyframes k = new Keyframes();
        read(k, DependencyDescriptors.withStructure(template(0, 0, true), 65_530, true, true));
        assertThat(k.spatialLayers()).isEqualTo(3);
        read(k, oneLayerKey(4)); // 10 frames later
        assertThat(k.spatialLayers()).isEqualTo(1);
        assertThat(k.structure().templateIdOffset()).isZero();
        read(k, oneLayerKey(4)); // the same key frame again: harmless
        assertThat(k.structure().valid()).isTrue();
    }
}
