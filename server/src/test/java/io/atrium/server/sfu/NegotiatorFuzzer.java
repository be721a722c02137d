package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.transport.MediaTransport;
import io.atrium.server.transport.PeerOwner;
import io.atrium.webrtc.sdp.SdpException;
import org.slf4j.LoggerFactory;

/**
 * Coverage-guided fuzzing (Jazzer) of the offer → allocation path a WHIP or {@code join_room} offer takes:
 * {@link Negotiator#publish} (parse, answer, one {@code MediaPeer} on a real {@link MediaTransport} bound to
 * 127.0.0.1) and then the SFU's allocation for what it accepted ({@link Publisher}: receivers, layers,
 * packet caches). An offer is negotiated and allocated, or refused with an {@link SdpException} (a 400 with
 * the parser's message) or, beyond {@link MediaLimits}, a {@link MediaLimitException} 400; nothing else
 * escapes, and no peer is left behind either way.
 */
public class NegotiatorFuzzer {
    private static MediaTransport transport;
    private static Negotiator negotiator;

    private static synchronized Negotiator negotiator() {
        if (negotiator == null) {
            ((Logger) LoggerFactory.getLogger("io.atrium")).setLevel(Level.WARN); // a line per peer otherwise
            transport = new MediaTransport("127.0.0.1", new AtriumConfig.Rtc(0, null, 30, 30));
            negotiator = new Negotiator(transport, MediaLimits.defaults());
        }
        return negotiator;
    }

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        String offer = data.consumeRemainingAsString();
        Negotiator.Negotiated<TrackInfo> n;
        try {
            n = negotiator().publish(offer, PeerOwner.NONE);
        } catch (SdpException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            assertThat(transport.peerCount()).as("peers left after a refused offer").isZero();
            return;
        } catch (MediaLimitException tooBig) {
            assertThat(tooBig.status()).isEqualTo(400);
            assertThat(tooBig.getMessage()).isNotBlank();
            assertThat(transport.peerCount()).as("peers left after a refused offer").isZero();
            return;
        }
        try {
            assertThat(n.items()).isNotEmpty();
            assertThat(n.answer()).startsWith("v=0");
            Publisher publisher = new Publisher(n.peer(), n.items(), 1, MediaLimits.defaults().maxPublishBitrate());
            publisher.close();
        } finally {
            n.peer().close("fuzzed");
        }
        assertThat(transport.peerCount()).as("peers left after closing").isZero();
    }
}
