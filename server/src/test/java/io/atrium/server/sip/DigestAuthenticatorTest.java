package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.store.Database;
import io.atrium.server.store.UserStore;
import io.atrium.server.testing.ManualClock;
import io.atrium.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The digest check's failure limit and its cost (docs/SECURITY.md, finding 22), with a real user store: a forged
 * nonce is refused before the user is looked up (here the store's database is closed, so a look-up would throw),
 * and a flood of source addresses never lifts a block.
 */
class DigestAuthenticatorTest {

    @TempDir
    Path dataDir;
    final ManualClock clock = new ManualClock(1_800_000_000_000L);
    final SipFactories sip = SipFactories.create();

    DigestAuthenticator authenticator(Database db) {
        AtriumConfig.Sip config = new AtriumConfig.Sip(true, null, null, null, null, null, null, 3, null, null, null, null, List.of());
        return new DigestAuthenticator(new UserStore(db.jdbc(), clock), config, sip, clock);
    }

    Request register(String nonce) throws Exception {
        return sip.messages().createRequest(String.join("\r\n",
                "REGISTER sip:atrium SIP/2.0",
                "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-" + nonce.hashCode(),
                "Max-Forwards: 70",
                "From: <sip:1001@atrium>;tag=1",
                "To: <sip:1001@atrium>",
                "Call-ID: digest-test",
                "CSeq: 1 REGISTER",
                "Authorization: Digest username=\"u1\", realm=\"atrium\", nonce=\"" + nonce + "\", uri=\"sip:atrium\", "
                        + "response=\"00112233445566778899aabbccddeeff\", algorithm=MD5",
                "Content-Length: 0", "", ""));
    }

    @Test
    void aForgedNonceIsRefusedWithoutLookingTheUserUp() throws Exception {
        Database db = Database.open(TestServer.config(TestServer.Db.H2, dataDir).database(), dataDir);
        DigestAuthenticator auth = authenticator(db);
        Nonces nonces = new Nonces(clock);
        db.close();
        assertThat(auth.authenticate(register("f0rged"), "198.51.100.1"))
                .isEqualTo(new DigestAuthenticator.Refused(DigestAuthenticator.BAD_CREDENTIALS));
        assertThat(auth.authenticate(register(nonces.issue()), "198.51.100.2")).as("another key's nonce is forged too")
                .isEqualTo(new DigestAuthenticator.Refused(DigestAuthenticator.BAD_CREDENTIALS));
        Response challenge = sip.messages().createResponse(401, register("none"));
        auth.challenge(challenge, false);
        String issued = ((WWWAuthenticateHeader) challenge.getHeader(WWWAuthenticateHeader.NAME)).getNonce();
        assertThatThrownBy(() -> auth.authenticate(register(issued), "198.51.100.3"))
                .as("a nonce it issued: only then is the store asked (and it is closed)").isNotNull();
    }

    @Test
    void aFloodOfSourceAddressesNeverLiftsABlock() throws Exception {
        try (Database db = Database.open(TestServer.config(TestServer.Db.H2, dataDir).database(), dataDir)) {
            DigestAuthenticator auth = authenticator(db);
            for (int i = 0; i < 3; i++) {
                assertThat(auth.authenticate(register("guess-" + i), "203.0.113.9"))
                        .isEqualTo(new DigestAuthenticator.Refused(DigestAuthenticator.BAD_CREDENTIALS));
            }
            Request anything = register("guess-3");
            assertThat(auth.authenticate(anything, "203.0.113.9")).isEqualTo(new DigestAuthenticator.Refused(DigestAuthenticator.RATE_LIMITED));
            for (int i = 0; i < 10_000; i++) { // garbage digests from 10,000 other addresses: the table is full
                auth.authenticate(anything, "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
            }
            assertThat(auth.authenticate(anything, "203.0.113.9")).as("still blocked")
                    .isEqualTo(new DigestAuthenticator.Refused(DigestAuthenticator.RATE_LIMITED));
            clock.advance(60_000);
            assertThat(auth.authenticate(anything, "203.0.113.9")).as("its minute is over")
                    .isEqualTo(new DigestAuthenticator.Refused(DigestAuthenticator.BAD_CREDENTIALS));
        }
    }

    /**
     * A phone's failures count against its IPv6 /64, as every per-address limit does (docs/SECURITY.md, finding 9): a
     * guesser holding a /64 cannot take a fresh budget with each of its 2^64 addresses. The next /64 is another client.
     */
    @Test
    void anIpv6SourceIsItsSlash64() throws Exception {
        try (Database db = Database.open(TestServer.config(TestServer.Db.H2, dataDir).database(), dataDir)) {
            DigestAuthenticator auth = authenticator(db);
            for (int i = 1; i <= 3; i++) {
                assertThat(auth.authenticate(register("guess-" + i), "2001:db8:0:7::" + i))
                        .isEqualTo(new DigestAuthenticator.Refused(DigestAuthenticator.BAD_CREDENTIALS));
            }
            assertThat(auth.authenticate(register("guess-4"), "2001:db8:0:7:ffff::4")).as("a fourth address of the /64")
                    .isEqualTo(new DigestAuthenticator.Refused(DigestAuthenticator.RATE_LIMITED));
            assertThat(auth.authenticate(register("guess-5"), "2001:db8:0:8::1")).as("the next /64")
                    .isEqualTo(new DigestAuthenticator.Refused(DigestAuthenticator.BAD_CREDENTIALS));
        }
    }
}
