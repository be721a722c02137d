package io.atrium.webrtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link SessionDescription#parse} (RFC 8866, RFC 8829 section 5) and of
 * answering what parses ({@link AnswerBuilder}): either succeeds or throws {@link SdpException} with a
 * message, never anything else; whatever parses survives a write/parse round trip unchanged, and so does
 * the answer. Corpus: the offers of Chromium, Firefox, a WHIP and a WHEP client and a simulcast offer
 * ({@code src/test/resources/io/atrium/webrtc/sdp/SdpFuzzerInputs/fuzz/}).
 */
public class SdpFuzzer {

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        SessionDescription sdp;
        try {
            sdp = SessionDescription.parse(text);
        } catch (SdpException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(SessionDescription.parse(sdp.write())).isEqualTo(sdp);
        try {
            SessionDescription answer = new AnswerBuilder(sdp, LocalCapabilities.defaults(), Fixtures.sfuTransport())
                    .sessionId(1).build();
            assertThat(SessionDescription.parse(answer.write())).isEqualTo(answer);
        } catch (SdpException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}
