package io.atrium.webrtc.sdp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Loads the SDP fixtures in {@code src/test/resources/sdp} (stored with LF endings). */
final class Fixtures {

    static final String CHROMIUM = "chromium-offer.sdp";
    static final String CHROMIUM_SIMULCAST = "chromium-simulcast-offer.sdp";
    static final String FIREFOX = "firefox-offer.sdp";
    static final String WHIP = "whip-offer.sdp";
    static final String WHEP = "whep-offer.sdp";
    static final String RFC8866_EXAMPLE = "rfc8866-example.sdp";

    static final List<String> OFFERS = List.of(CHROMIUM, CHROMIUM_SIMULCAST, FIREFOX, WHIP, WHEP);

    private Fixtures() {
    }

    static String lf(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/sdp/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String crlf(String name) {
        return lf(name).replace("\n", "\r\n");
    }

    static SessionDescription parse(String name) {
        return SessionDescription.parse(crlf(name));
    }

    /** The SFU transport used by answer tests. */
    static LocalTransport sfuTransport() {
        byte[] digest = new byte[32];
        for (int i = 0; i < digest.length; i++) {
            digest[i] = (byte) (i * 7 + 1);
        }
        return LocalTransport.passive(new IceCredentials("sfu1", "sfupassword0123456789abc"),
                new Fingerprint("sha-256", digest),
                List.of(Candidate.host("1", "udp", "192.0.2.10", 40000, 65535),
                        Candidate.host("2", "tcp", "192.0.2.10", 40001, 65534)));
    }
}
