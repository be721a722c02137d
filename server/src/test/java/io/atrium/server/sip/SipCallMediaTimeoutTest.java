package io.atrium.server.sip;

import static io.atrium.server.sip.SipCallTest.normal;
import static io.atrium.server.sip.SipCallTest.talking;
import static io.atrium.server.sip.SipRegistrarTest.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Ports;
import io.atrium.server.testing.RtpPhone;
import io.atrium.server.testing.Sipp;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Calls between phones (the B2BUA's, no room) whose one side vanishes without BYE end on {@code rooms.media_timeout_seconds}
 * of no media from it (docs/SIP.md, "Calls between extensions"), with SIPp as every phone and carrier and {@link RtpPhone}
 * as their media: a phone's call out through the trunk whose phone stops sending ends with BYE to both sides, and its
 * slot of {@code sip.max_outbound_dials} (one here) is free again; a call the caller holds ({@code a=inactive},
 * {@code a=sendonly}, {@code c=0.0.0.0}) and sends nothing in is not ended, and ends once the other side goes silent too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SipCallMediaTimeoutTest {

    /** The rooms' media timeout here (default 10 s): short, so that the tests outlast it quickly. */
    static final int MEDIA_TIMEOUT = 2;
    /** Calls out through the trunk at once on the server: one, so that a call holding its slot refuses the next. */
    static final int MAX_DIALS = 1;

    TestServer server;
    int sipPort;
    int trunkPort;

    @BeforeAll
    void start() throws Exception {
        sipPort = Ports.free();
        trunkPort = Ports.free();
        AtriumConfig.Trunk trunk = new AtriumConfig.Trunk("carrier", "127.0.0.1:" + trunkPort, "udp", null, null, null, Map.of());
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-sip-media-timeout-"));
        c = new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(),
                new AtriumConfig.Rooms(MEDIA_TIMEOUT, 15, 262_144, 50));
        server = TestServer.start(c.withSip(new AtriumConfig.Sip(true, "127.0.0.1", sipPort, "", "atrium", 1, 3600, 100,
                10, 0, 0, List.of("MD5"), List.of(trunk)).withInviteLimits(60, MAX_DIALS, 1)));
        for (String[] u : new String[][] {{"alice", "1001"}, {"bob", "1002"}, {"carol", "1003"}}) {
            assertThat(server.post("/v1/users", "{\"user\":{\"username\":\"" + u[0] + "\",\"password\":\"" + u[0]
                    + "-password\",\"sip_extension\":\"" + u[1] + "\"}}").status()).isEqualTo(201);
        }
    }

    @AfterAll
    void stop() {
        server.close();
    }

    JsonNode calls() {
        return server.get("/v1/sip/calls").json().get("calls");
    }

    /** A carrier on the trunk's port answering one call with media at {@code mediaPort}; its BYE's Reason must match {@code reason}. */
    Sipp carrier(int mediaPort, String reason) {
        return SipCallTest.phone(sipPort, trunkPort, "answer", mediaPort, reason);
    }

    /**
     * {@code username}'s phone ({@code extension}) calls {@code number} with media at {@code mediaPort}: {@code outcome} is
     * a caller part ({@code answered}, {@code room}, {@code held}, {@code refused}), {@code more} fills its placeholders.
     */
    Sipp call(String username, String extension, String number, int mediaPort, String outcome, Map<String, String> more) {
        Map<String, String> fill = new java.util.HashMap<>(more);
        fill.put("OUTCOME", Sipp.resource("caller-" + outcome + ".part"));
        fill.put("FROM", extension);
        fill.put("MEDIA_PORT", String.valueOf(mediaPort));
        fill.putIfAbsent("HOLD", "50000");
        return Sipp.start("caller.xml", fill, sipPort, "-t", "u1", "-s", number, "-au", username, "-ap", username + "-password");
    }

    /**
     * Alice's phone talks to a number through the trunk, then sends nothing and no BYE (unplugged): within the media
     * timeout both she and the carrier get BYE saying {@code no media from the caller}, the call is gone, and its slot
     * with it: bob's phone, refused with {@code 486} while alice's call held the server's one slot, now calls out.
     */
    @Test
    void aCallOutWhosePhoneFallsSilentEndsOnBothSidesAndGivesItsSlotBack() {
        String silent = normal("no media from the caller");
        try (RtpPhone mediaA = new RtpPhone(); RtpPhone mediaB = new RtpPhone();
             Sipp carrier = carrier(mediaB.port(), silent);
             Sipp alice = call("alice", "1001", "0401111", mediaA.port(), "room", Map.of("REASON", silent))) {
            talking(alice, carrier, mediaA, mediaB, 1600);
            try (Sipp bob = call("bob", "1002", "0402222", 40092, "refused", Map.of("STATUS", "486"))) {
                assertOk(bob.await()); // the bound is one: alice's call holds it
            }
            assertThat(calls()).hasSize(1);
            mediaA.quiet(true);
            assertOk(alice.await());
            assertOk(carrier.await());
            Waits.waitUntil(() -> calls().isEmpty(), "the silent call to be gone");
            assertThat(carrier.messages()).doesNotContain("0402222");
        }
        try (RtpPhone mediaA = new RtpPhone(); RtpPhone mediaB = new RtpPhone();
             Sipp carrier = carrier(mediaB.port(), normal("hung up by the caller"));
             Sipp bob = call("bob", "1002", "0402222", mediaA.port(), "answered", Map.of())) {
            talking(bob, carrier, mediaA, mediaB, 1600);
            bob.hangUp();
            assertOk(bob.await());
            assertOk(carrier.await());
        }
    }

    /**
     * Alice's phone calls bob's and holds the call at once ({@code holdDirection} with connection address {@code holdAddress})
     * and sends nothing from then on. Bob's phone refuses Atrium's re-INVITE that passes the hold on (488): the call goes
     * on, and bob's phone, not told, goes on sending: after three media timeouts the call still runs. Then bob's phone
     * falls silent too: the call ends on both sides saying {@code no media from the callee} (the media timer runs on
     * through the hold; alice's longer silence is not what ends it, and a held phone that did not agree is watched).
     */
    @ParameterizedTest
    @CsvSource({"inactive, 127.0.0.1", "sendonly, 127.0.0.1", "sendrecv, 0.0.0.0"})
    void aHeldCallIsNotEndedForTheHoldersSilence(String holdDirection, String holdAddress) throws InterruptedException {
        int phone = SipCallTest.registerPhone(sipPort, "1002", "bob");
        String silent = normal("no media from the callee");
        try (RtpPhone mediaA = new RtpPhone(); RtpPhone mediaB = new RtpPhone();
             Sipp bob = SipCallTest.phone(sipPort, phone, "hold-refused", mediaB.port(), silent);
             Sipp alice = call("alice", "1001", "1002", mediaA.port(), "held", Map.of("REASON", silent,
                     "HOLD_DIRECTION", holdDirection, "HOLD_ADDRESS", holdAddress))) {
            // bob's phone sends from the answer on, as its silence counts from then, not after the refused hold
            Waits.waitUntil(() -> SipCallTest.port(alice, SipCallTest.ANSWER_SDP) > 0, "the call to be answered");
            mediaB.sendTone(440, SipCallTest.port(bob, SipCallTest.OFFER_SDP));
            Waits.waitUntil(() -> alice.messages().contains("CSeq: 3 ACK"), "alice's phone to hold the call",
                    Duration.ofSeconds(Sipp.TIMEOUT_SECONDS));
            Waits.waitUntil(() -> bob.messages().contains("CSeq: 2 ACK"), "bob's phone to refuse the hold",
                    Duration.ofSeconds(Sipp.TIMEOUT_SECONDS));
            assertThat(mediaA.receive(1600, Duration.ofSeconds(10))).as("bob's phone heard while held").hasSizeGreaterThanOrEqualTo(1600);
            Thread.sleep(3 * MEDIA_TIMEOUT * 1000L); // nothing to wait for: the call must outlast three timeouts
            assertThat(calls()).as("the held call").hasSize(1);
            assertThat(calls().get(0).get("state").asText()).isEqualTo("answered");
            mediaB.quiet(true);
            assertOk(alice.await());
            assertOk(bob.await());
            Waits.waitUntil(() -> calls().isEmpty(), "the call to be gone");
        }
    }

    /**
     * Alice's phone holds the call at once ({@code a=sendonly}) and bob's agrees to Atrium's re-INVITE that passes it on
     * ({@code a=recvonly}): neither sends anything, and after three media timeouts the call still runs (both are quiet
     * on purpose). Alice resumes: bob's phone gets and agrees to the resume ({@code a=sendrecv}), alice's phone sends, bob's
     * stays silent: the call ends on both sides saying {@code no media from the callee} (its clock started afresh on the
     * resume).
     */
    @Test
    void aHeldPhoneThatAgreedMaySendNothingUntilTheResume() throws InterruptedException {
        int phone = SipCallTest.registerPhone(sipPort, "1003", "carol");
        String silent = normal("no media from the callee");
        try (RtpPhone mediaA = new RtpPhone(); RtpPhone mediaB = new RtpPhone();
             Sipp carol = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-held.part"),
                     "MEDIA_PORT", String.valueOf(mediaB.port()), "REASON", silent, "HELD_OFFER", "sendonly",
                     "HELD_ANSWER", "recvonly"), sipPort, phone, "-t", "u1").listening();
             Sipp alice = call("alice", "1001", "1003", mediaA.port(), "hold-resume", Map.of("REASON", silent,
                     "HOLD_DIRECTION", "sendonly", "HOLD_ADDRESS", "127.0.0.1", "HOLD_ANSWER", "recvonly"))) {
            Waits.waitUntil(() -> carol.messages().contains("CSeq: 2 ACK"), "carol's phone to agree to the hold",
                    Duration.ofSeconds(Sipp.TIMEOUT_SECONDS));
            Thread.sleep(3 * MEDIA_TIMEOUT * 1000L); // nothing to wait for: the call must outlast three timeouts
            assertThat(calls()).as("the held call").hasSize(1);
            assertThat(calls().get(0).get("callee_packets").asLong()).as("carol's phone sent nothing").isZero();
            // a phone that resumes sends at once: from the resume alice's silence counts again, and the time until
            // carol's phone agrees (a slow SIPp under load took over 2 s) must not end the call as alice's silence
            mediaA.sendTone(1000, SipCallTest.port(alice, SipCallTest.ANSWER_SDP));
            alice.hangUp(); // the first INFO makes it resume
            Waits.waitUntil(() -> carol.messages().contains("CSeq: 3 ACK"), "carol's phone to agree to the resume",
                    Duration.ofSeconds(Sipp.TIMEOUT_SECONDS));
            assertOk(alice.await());
            assertOk(carol.await());
            Waits.waitUntil(() -> calls().isEmpty(), "the call to be gone");
        }
    }
}
