package io.atrium.webrtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class H264ProfileLevelIdTest {

    @ParameterizedTest(name = "{0} constrained baseline = {1}")
    @CsvSource({
        "42e01f, true",   // Constrained Baseline 3.1 (profile_idc 66, constraint_set1)
        "42c01f, true",   // constraint_set0 and set1
        "42E034, true",   // upper case hex, level 5.2
        "4d801f, true",   // Main with constraint_set0
        "58c01f, true",   // Extended with constraint_set0 and set1
        "42001f, false",  // Baseline without constraint_set1
        "4d001f, false",  // Main
        "64001f, false",  // High
        "f4001f, false",  // High 4:4:4 Predictive
        "58401f, false",  // Extended with constraint_set1 only
    })
    void classifiesConstrainedBaseline(String hex, boolean expected) {
        assertThat(H264ProfileLevelId.parse(hex).orElseThrow().isConstrainedBaseline()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"42e0", "42e01f0", "42g01f", "''"})
    void malformedValuesAreNotProfiles(String hex) {
        assertThat(H264ProfileLevelId.parse(hex)).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "packetization-mode=1;profile-level-id=42e01f | true",
        "packetization-mode=1;profile-level-id=42001f | false",
        "packetization-mode=0;profile-level-id=42e01f | false",
        "profile-level-id=42e01f                      | false",
        "packetization-mode=1                         | false",
    })
    void h264CapabilityRequiresModeOneAndConstrainedBaseline(String fmtp, boolean accepted) {
        Map<String, String> params = Fmtp.parameterMap(fmtp);

        assertThat(CodecCapability.h264ConstrainedBaseline().parameters().test(params)).isEqualTo(accepted);
    }
}
