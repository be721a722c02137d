package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.transport.MediaTransport;
import io.atrium.server.transport.PeerOwner;
import io.atrium.webrtc.sdp.LocalCapabilities;
import io.atrium.webrtc.sdp.MediaDescription;
import io.atrium.webrtc.sdp.SessionDescription;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Answers the {@link Negotiator} writes. A receive slot the client parked ({@code a=inactive}, a member who left) is
 * answered inactive and stays in the BUNDLE group, never rejected with port 0: a rejected first m-section would move the
 * BUNDLE tag, which Chromium refuses ("Failed to setup RTCP mux", issue 18). The AV1 dependency descriptor is answered
 * where offered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NegotiatorAnswerTest {

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

    static String offer(String direction, String ufrag, boolean dd) {
        return ("""
                v=0
                o=- 1 1 IN IP4 127.0.0.1
                s=-
                t=0 0
                a=group:BUNDLE 0
                a=extmap-allow-mixed
                m=video 9 UDP/TLS/RTP/SAVPF 45 46
                c=IN IP4 0.0.0.0
                a=ice-ufrag:%s
                a=ice-pwd:Zt8Hq3Lp6Vn1Xc4Br7Md0Ks9
                a=fingerprint:sha-256 A5:4D:CA:18:25:30:BB:1D:6D:13:2C:DE:D6:23:7B:2E:D9:1E:3F:72:1F:CB:19:71:17:44:94:D6:49:3C:9D:5C
                a=setup:actpass
                a=mid:0
                a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
                a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
                %sa=%s
                a=rtcp-mux
                a=rtpmap:45 AV1/90000
                a=fmtp:45 level-idx=5;profile=0;tier=0
                a=rtpmap:46 rtx/90000
                a=fmtp:46 apt=45
                a=ssrc-group:FID 1111 2222
                a=ssrc:1111 cname:x
                a=ssrc:2222 cname:x
                """.formatted(ufrag, dd ? "a=extmap:13 " + LocalCapabilities.EXT_DEPENDENCY_DESCRIPTOR + "\n" : "", direction))
                .replace("\n", "\r\n");
    }

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

    /**
     * The AV1 dependency descriptor is accepted in the answers to a publisher and a subscriber that offer it, with the
     * ids they offered, and reaches the track ({@link TrackInfo#dependencyDescriptorExt()}) and the subscription
     * ({@link Subscription#dependencyDescriptorId()}); an offer without it gets an answer without it.
     */
    @Test
    void publisherAndSubscriberGetTheDependencyDescriptorTheyOffer() {
        Negotiator negotiator = new Negotiator(transport, MediaLimits.defaults());
        Negotiator.Negotiated<TrackInfo> pub = negotiator.publish(offer("sendonly", "Pub1", true), PeerOwner.NONE);
        Negotiator.Negotiated<TrackInfo> plain = negotiator.publish(offer("sendonly", "Pub2", false), PeerOwner.NONE);
        try {
            assertThat(extmaps(pub.answer())).contains("a=extmap:13 " + LocalCapabilities.EXT_DEPENDENCY_DESCRIPTOR);
            assertThat(pub.items().get(0).dependencyDescriptorExt()).isEqualTo(13);
            assertThat(extmaps(plain.answer())).noneMatch(l -> l.contains("dependency-descriptor"));
            assertThat(plain.items().get(0).dependencyDescriptorExt()).isZero();
            Receiver receiver = new Publisher(new Av1SvcForwardingTest.Sink(), pub.items(), 1,
                    MediaLimits.defaults().maxPublishBitrate()).receivers().get(0);
            Negotiator.Negotiated<Subscription> sub = negotiator.subscribe(offer("recvonly", "Sub1", true)
                    .replace("a=ssrc-group:FID 1111 2222\r\na=ssrc:1111 cname:x\r\na=ssrc:2222 cname:x\r\n", ""),
                    List.of(receiver), 0, 0, PeerOwner.NONE);
            try {
                assertThat(extmaps(sub.answer())).contains("a=extmap:13 " + LocalCapabilities.EXT_DEPENDENCY_DESCRIPTOR);
                assertThat(sub.items().get(0).dependencyDescriptorId()).isEqualTo(13);
                assertThat(sub.items().get(0).transportCcId()).isEqualTo(3);
            } finally {
                sub.peer().close("test");
            }
        } finally {
            pub.peer().close("test");
            plain.peer().close("test");
        }
    }

    /**
     * A publisher whose first codec is not AV1 gets no dependency descriptor though it offers one: Atrium reads it for
     * AV1 only, and Chromium's VP8 simulcast sent no temporal layer ids once a paused encoding resumed with it
     * negotiated (SimulcastAndLossBrowserTest). A subscriber keeps it (Atrium writes it for AV1 only).
     */
    @Test
    void aPublisherOfAnotherCodecIsNotAnsweredTheDependencyDescriptor() {
        Negotiator negotiator = new Negotiator(transport, MediaLimits.defaults());
        String vp8 = offer("sendonly", "Vp81", true).replace("a=rtpmap:45 AV1/90000\r\na=fmtp:45 level-idx=5;profile=0;tier=0\r\n",
                "a=rtpmap:45 VP8/90000\r\n");
        assertThat(vp8).contains("VP8/90000").doesNotContain("AV1");
        Negotiator.Negotiated<TrackInfo> pub = negotiator.publish(vp8, PeerOwner.NONE);
        try {
            assertThat(extmaps(pub.answer())).noneMatch(l -> l.contains("dependency-descriptor"))
                    .anyMatch(l -> l.contains("transport-wide-cc"));
            assertThat(pub.items().get(0).codec()).isEqualTo("VP8");
            assertThat(pub.items().get(0).dependencyDescriptorExt()).isZero();
        } finally {
            pub.peer().close("test");
        }
    }

    private static List<String> extmaps(String sdp) {
        return SessionDescription.parse(sdp).write().lines().filter(l -> l.startsWith("a=extmap:")).toList();
    }
}
