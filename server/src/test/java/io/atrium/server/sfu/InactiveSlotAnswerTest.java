package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.transport.MediaTransport;
import io.atrium.server.transport.PeerOwner;
import io.atrium.webrtc.sdp.MediaDescription;
import io.atrium.webrtc.sdp.SessionDescription;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A receive slot the client parked ({@code a=inactive}, a member who left) is answered inactive and
 * stays in the BUNDLE group, never rejected with port 0: a rejected first m-section would move the
 * BUNDLE tag, which Chromium refuses ("Failed to setup RTCP mux", issue 18).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InactiveSlotAnswerTest {

    /** A receive connection as the SDK offers it after the first member left: slot 0 parked, slot 1 live. */
    static final String OFFER = """
            v=0
            o=- 1797246393583457013 3 IN IP4 127.0.0.1
            s=-
            t=0 0
            a=group:BUNDLE 0 1
            a=msid-semantic: WMS
            m=audio 9 UDP/TLS/RTP/SAVPF 111
            c=IN IP4 0.0.0.0
            a=rtcp:9 IN IP4 0.0.0.0
            a=ice-ufrag:Wk2n
            a=ice-pwd:Zt8Hq3Lp6Vn1Xc4Br7Md0Ks9
            a=fingerprint:sha-256 A5:4D:CA:18:25:30:BB:1D:6D:13:2C:DE:D6:23:7B:2E:D9:1E:3F:72:1F:CB:19:71:17:44:94:D6:49:3C:9D:5C
            a=setup:actpass
            a=mid:0
            a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
            a=inactive
            a=rtcp-mux
            a=rtpmap:111 opus/48000/2
            a=fmtp:111 minptime=10;useinbandfec=1
            m=audio 9 UDP/TLS/RTP/SAVPF 111
            c=IN IP4 0.0.0.0
            a=rtcp:9 IN IP4 0.0.0.0
            a=ice-ufrag:Wk2n
            a=ice-pwd:Zt8Hq3Lp6Vn1Xc4Br7Md0Ks9
            a=fingerprint:sha-256 A5:4D:CA:18:25:30:BB:1D:6D:13:2C:DE:D6:23:7B:2E:D9:1E:3F:72:1F:CB:19:71:17:44:94:D6:49:3C:9D:5C
            a=setup:actpass
            a=mid:1
            a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
            a=recvonly
            a=rtcp-mux
            a=rtpmap:111 opus/48000/2
            a=fmtp:111 minptime=10;useinbandfec=1
            """.replace("\n", "\r\n");

    private MediaTransport transport;

    @BeforeAll
    void start() {
        transport = new MediaTransport("127.0.0.1", new AtriumConfig.Rtc(0, null, 30, 30));
    }

    @AfterAll
    void stop() {
        transport.close();
    }

    @Test
    void aParkedSlotIsAnsweredInactiveInsideTheBundle() {
        Negotiator.Negotiated<Subscription> n = new Negotiator(transport, MediaLimits.defaults())
                .subscribe(OFFER, List.of(), 320, 180, PeerOwner.NONE);
        try {
            SessionDescription answer = SessionDescription.parse(n.answer());
            MediaDescription parked = answer.mediaByMid("0").orElseThrow();
            assertThat(parked.isRejected()).as("parked slot rejected (port 0)").isFalse();
            assertThat(answer.direction(parked).name()).isEqualTo("INACTIVE");
            assertThat(n.answer()).contains("a=group:BUNDLE 0 1");
            assertThat(answer.mediaByMid("1").orElseThrow().isRejected()).isFalse();
        } finally {
            n.peer().close("test");
        }
    }
}
