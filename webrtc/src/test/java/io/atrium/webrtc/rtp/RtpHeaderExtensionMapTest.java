package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RtpHeaderExtensionMapTest {
    @Test
    void mapsIdsAndUrisBothWays() {
        RtpHeaderExtensionMap map = RtpHeaderExtensionMap.of(Map.of(
                1, RtpHeaderExtensionMap.AUDIO_LEVEL,
                3, RtpHeaderExtensionMap.TRANSPORT_CC,
                4, RtpHeaderExtensionMap.MID,
                10, RtpHeaderExtensionMap.RID));
        assertThat(map.idOf(RtpHeaderExtensionMap.TRANSPORT_CC)).isEqualTo(3);
        assertThat(map.idOf(RtpHeaderExtensionMap.MID)).isEqualTo(4);
        assertThat(map.idOf(RtpHeaderExtensionMap.ABS_SEND_TIME)).isEqualTo(-1);
        assertThat(map.uriOf(10)).isEqualTo(RtpHeaderExtensionMap.RID);
        assertThat(map.uriOf(2)).isNull();
        assertThat(map.uriOf(0)).isNull();
        assertThat(map.uriOf(256)).isNull();
        assertThat(map.requiresTwoByteForm()).isFalse();
        assertThat(RtpHeaderExtensionMap.of(Map.of(16, RtpHeaderExtensionMap.MID)).requiresTwoByteForm()).isTrue();
        assertThat(RtpHeaderExtensionMap.empty().idOf(RtpHeaderExtensionMap.MID)).isEqualTo(-1);
    }

    @Test
    void rejectsInvalidNegotiation() {
        assertThatThrownBy(() -> RtpHeaderExtensionMap.of(Map.of(0, RtpHeaderExtensionMap.MID)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RtpHeaderExtensionMap.of(Map.of(256, RtpHeaderExtensionMap.MID)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RtpHeaderExtensionMap.of(Map.of(1, RtpHeaderExtensionMap.MID, 2, RtpHeaderExtensionMap.MID)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RtpHeaderExtensionMap.of(Map.of(1, " ")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
