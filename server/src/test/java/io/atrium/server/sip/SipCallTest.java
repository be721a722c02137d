package io.atrium.server.sip;

import static io.atrium.server.sip.SipRegistrarTest.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.sip.audio.G711;
import io.atrium.server.testing.Goertzel;
import io.atrium.server.testing.Ports;
import io.atrium.server.testing.RtpPhone;
import io.atrium.server.testing.Sipp;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Calls between extensions through the B2BUA, with SIPp as every phone: fork to all of the callee's
 * phones, first answer wins and the other is cancelled, μ-law audio relayed both ways (checked by
 * content with a Goertzel filter), hang-up (the caller's own Reason passed on); busy, a phone's 6xx ending
 * the fork, a phone's 503 (500 to the caller), no phone, unknown extension, bad password, caller CANCEL (the caller's
 * own Reason passed on to every ringing phone), an answer crossing Atrium's CANCEL,
 * and ring timeout. Strict symmetric RTP: a stranger spraying the
 * call's relay ports gets none of its media and gets none of its own to a phone; phones whose media comes from
 * other ports than their SDPs name (as behind NAT) are learned, also when answered after the learning period that
 * started with the offer; a caller's re-INVITE with another address moves its media there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SipCallTest {

    /** Longer than the relay's learning period, so that a phone can answer after it ({@link #phonesWhoseMediaComesFromAnotherPortThanTheirSdpNamesAreLearnedAndThenKept}). */
    static final int RING_TIMEOUT = SourceLatch.LEARNING_SECONDS + 3;
    static final Pattern ANSWER_SDP = Pattern.compile("SIP/2.0 200 OK[\\s\\S]*?m=audio (\\d+)");
    static final Pattern OFFER_SDP = Pattern.compile("INVITE sip:[\\s\\S]*?m=audio (\\d+)");
    static final Pattern CALL_ID = Pattern.compile("X-Atrium-Call-Id: ([0-9a-f-]{36})");

    TestServer server;
    int sipPort;

    @BeforeAll
    void start() throws Exception {
        sipPort = Ports.free();
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-sip-call-"));
        server = TestServer.start(c.withSip(new AtriumConfig.Sip(true, "127.0.0.1", sipPort, "", "atrium", 1, 3600, 100,
                RING_TIMEOUT, 0, 0, List.of("MD5"), List.of())));
        user("alice", "1001");
        user("bob", "1002");
        user("carol", "1003");
        user("dave", "1004");
        user("erin", "1005");
        user("grace", "1007");
        user("heidi", "1008");
        user("ivan", "1009");
        user("judy", "1010");
        user("kate", "1011"); // the strict-RTP tests' phones: extensions no other test registers
        user("liam", "1012");
        user("mia", "1013");
        user("nina", "1014"); // a caller's own CANCEL Reason passed on
        user("olga", "1015");
        user("paul", "1016");
        user("quinn", "1017"); // a phone's own 503
        user("rita", "1018"); // hold and resume: one callee per way to hold
        user("sam", "1019");
        user("tara", "1020");
        user("uma", "1021"); // a held phone gone when resumed
        user("vera", "1022"); // a callee's phone that holds
        user("wendy", "1023"); // early media: answered, refused, forked
        user("xena", "1024");
        user("yara", "1025");
        user("zack", "1026"); // Atrium's re-INVITE crossing the held phone's own (491)
        user("abby", "1027");
        user("bert", "1028"); // early media from one phone, the other answering with other media
        user("cleo", "1029"); // the held phone's own re-INVITE while Atrium's is pending (491 from Atrium)
        user("dora", "1030"); // DTMF in SIP INFO passed on
    }

    @AfterAll
    void stop() {
        server.close();
    }

    void user(String name, String extension) {
        assertThat(server.post("/v1/users", "{\"user\":{\"username\":\"" + name + "\",\"password\":\"" + name
                + "-password\",\"sip_extension\":\"" + extension + "\"}}").status()).isEqualTo(201);
    }

    /** The relay's ports of a call's two legs: the one the caller sends to ({@code a}) and the answering phone's ({@code b}). */
    record Relay(int a, int b) {
    }

    /**
     * Waits for an answered call's SDPs, starts the caller's 1000 Hz and the answering phone's 440 Hz tones at the relay
     * and checks, over {@code samples} samples, that each hears the other's and not its own.
     */
    static Relay talking(Sipp caller, Sipp answering, RtpPhone mediaA, RtpPhone mediaB, int samples) {
        Waits.waitUntil(() -> port(caller, ANSWER_SDP) > 0, "the caller's 200 OK with SDP");
        Waits.waitUntil(() -> port(answering, OFFER_SDP) > 0, "the INVITE at the answering phone");
        Relay relay = new Relay(port(caller, ANSWER_SDP), port(answering, OFFER_SDP));
        mediaA.sendTone(1000, relay.a());
        mediaB.sendTone(440, relay.b());
        assertTone(mediaB.receive(samples, Duration.ofSeconds(10)), 1000, 440);
        assertTone(mediaA.receive(samples, Duration.ofSeconds(10)), 440, 1000);
        return relay;
    }

    /** Registers a phone for {@code extension} from a fresh port and returns that port. */
    int registerPhone(String extension, String user) {
        return registerPhone(sipPort, extension, user);
    }

    /** Registers a phone for {@code extension} (password {@code <user>-password}) from a fresh port and returns that port. */
    static int registerPhone(int sipPort, String extension, String user) {
        int port = Ports.free();
        try (Sipp s = Sipp.start("register.xml", Map.of("FINAL", "200", "EXPIRES", "300"), sipPort, port,
                "-t", "u1", "-s", extension, "-au", user, "-ap", user + "-password")) {
            assertOk(s.await());
        }
        return port;
    }

    /** A registered phone waiting for Atrium's INVITE: {@code outcome} is answer, busy or ring. */
    Sipp phone(int port, String outcome, int mediaPort) {
        return phone(sipPort, port, outcome, mediaPort);
    }

    /** As above; {@code reason} is what the Reason header of Atrium's BYE (answer) or CANCEL (ring) must match. */
    Sipp phone(int port, String outcome, int mediaPort, String reason) {
        return phone(sipPort, port, outcome, mediaPort, reason);
    }

    /** A phone on {@code port} (or a carrier) waiting for Atrium's INVITE: {@code outcome} is answer, busy or ring. */
    static Sipp phone(int sipPort, int port, String outcome, int mediaPort) {
        return phone(sipPort, port, outcome, mediaPort, ".*");
    }

    /**
     * As above; {@code reason} is a regular expression the Reason header of Atrium's BYE (answer) or CANCEL (ring) must
     * match (docs/SIP.md, "Why Atrium hangs up"), e.g. {@link #normal}.
     */
    static Sipp phone(int sipPort, int port, String outcome, int mediaPort, String reason) {
        return Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-" + outcome + ".part"),
                "MEDIA_PORT", String.valueOf(mediaPort), "REASON", reason), sipPort, port, "-t", "u1").listening();
    }

    /**
     * A registered phone on {@code port} that answers when the test says so ({@link Sipp#nudge}; {@code callee-nudged.xml}):
     * {@code outcome} is early-answer, early-busy or answer-nudged; {@code reason} as for {@link #phone}.
     */
    Sipp nudgedPhone(int port, String outcome, int mediaPort, String reason) {
        return nudgedPhone(port, outcome, mediaPort, reason, Map.of());
    }

    /** As above; {@code more} fills the part's other placeholders (answer-nudged: ANSWER_FORMATS, ANSWER_MAPS). */
    Sipp nudgedPhone(int port, String outcome, int mediaPort, String reason, Map<String, String> more) {
        Map<String, String> fill = new HashMap<>(Map.of("OUTCOME", Sipp.resource("callee-" + outcome + ".part"),
                "MEDIA_PORT", String.valueOf(mediaPort), "REASON", reason));
        fill.putAll(more);
        return Sipp.start("callee-nudged.xml", fill, sipPort, port, "-t", "u1").listening();
    }

    /**
     * The Reason of a BYE or CANCEL for a normal end (Q.850 normal call clearing) with {@code text}, as a regular expression
     * for SIPp (an attribute in double quotes: the text's quotes are matched by {@code .}).
     */
    static String normal(String text) {
        return "^ *Q\\.850;cause=16;text=." + text + ".$";
    }

    /** The Reason of a CANCEL or BYE to a phone that lost to another phone or app, as a regular expression for SIPp. */
    static final String ELSEWHERE = "^ *SIP;cause=200;text=.Call completed elsewhere.$";

    /** Alice (1001) calls {@code number}; {@code outcome} is answered, cancel or refused (with STATUS). */
    Sipp call(String number, String outcome, Map<String, String> more, String password) {
        Map<String, String> fill = new HashMap<>(more);
        fill.put("OUTCOME", Sipp.resource("caller-" + outcome + ".part"));
        fill.put("FROM", "1001");
        fill.putIfAbsent("MEDIA_PORT", "40000");
        fill.putIfAbsent("HOLD", "100");
        return Sipp.start("caller.xml", fill, sipPort, "-t", "u1", "-s", number, "-au", "alice", "-ap", password);
    }


    static int port(Sipp sipp, Pattern p) {
        Matcher m = p.matcher(sipp.messages());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    static void assertTone(short[] pcm, double expected, double absent) {
        assertThat(pcm.length).as("samples received").isGreaterThanOrEqualTo(1600);
        assertThat(Goertzel.power(pcm, pcm.length, RtpPhone.RATE, expected)).as(expected + " Hz").isGreaterThan(0.5);
        assertThat(Goertzel.power(pcm, pcm.length, RtpPhone.RATE, absent)).as(absent + " Hz").isLessThan(0.05);
    }

    JsonNode calls() {
        return server.get("/v1/sip/calls").json().get("calls");
    }

    @Test
    void forkFirstAnswerWinsOtherIsCancelledAudioFlowsBothWaysThenHangUp() {
        int phone1 = registerPhone("1002", "bob");
        int phone2 = registerPhone("1002", "bob");
        try (RtpPhone mediaA = new RtpPhone(); RtpPhone mediaB = new RtpPhone();
             Sipp answering = phone(phone1, "answer", mediaB.port(), normal("hung up by the caller"));
             Sipp ringing = phone(phone2, "ring", 40002, ELSEWHERE);
             Sipp caller = call("1002", "answered", Map.of("MEDIA_PORT", String.valueOf(mediaA.port()), "HOLD", "50000"),
                     "alice-password")) {
            Relay relay = talking(caller, answering, mediaA, mediaB, 4000);
            assertThat(relay.a()).isNotEqualTo(mediaB.port());
            assertThat(relay.b()).isNotEqualTo(mediaA.port());

            Matcher id = CALL_ID.matcher(answering.messages());
            assertThat(id.find()).as("X-Atrium-Call-Id on the INVITE").isTrue();
            assertThat(caller.messages()).contains("X-Atrium-Call-Id: " + id.group(1));
            JsonNode listed = calls();
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("call_id").asText()).isEqualTo(id.group(1));
            assertThat(listed.get(0).get("state").asText()).isEqualTo("answered");
            assertThat(listed.get(0).get("from").asText()).isEqualTo("1001");

            assertOk(ringing.await());
            caller.hangUp();
            assertOk(caller.await());
            assertOk(answering.await());
            Waits.waitUntil(() -> calls().isEmpty(), "the call to end");
        }
    }

    @Test
    void busyPropagatesToTheCaller() {
        int phone = registerPhone("1003", "carol");
        try (Sipp busy = phone(phone, "busy", 40004);
             Sipp caller = call("1003", "refused", Map.of("STATUS", "486"), "alice-password")) {
            assertOk(caller.await());
            assertOk(busy.await());
        }
    }

    /**
     * A phone of a fork that declines (6xx) ends it (RFC 3261 16.7): the caller gets that status, and the CANCEL to the
     * phone still ringing says so, {@code Reason: SIP;cause=<status>} with the status's phrase as Atrium words it
     * ({@code said}; docs/SIP.md, "Why Atrium hangs up").
     */
    @ParameterizedTest
    @CsvSource({"1007, grace, 603, Decline, Decline", "1008, heidi, 600, Busy Everywhere, Busy everywhere"})
    void aPhonesDeclineEndsTheForkTheCallerGetsItAndTheCancelSaysIt(String extension, String user, int status, String phrase,
                                                                    String said) {
        int declining = registerPhone(extension, user);
        int other = registerPhone(extension, user);
        try (Sipp ringing = phone(other, "ring", 40014, "^ *SIP;cause=" + status + ";text=." + said + ".$");
             Sipp decline = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-decline.part"),
                     "DECLINE", status + " " + phrase), sipPort, declining, "-t", "u1").listening();
             Sipp caller = call(extension, "refused", Map.of("STATUS", String.valueOf(status)), "alice-password")) {
            assertOk(caller.await());
            assertOk(decline.await());
            assertOk(ringing.await());
        }
        Waits.waitUntil(() -> calls().isEmpty(), "the declined call to end");
    }

    /**
     * The caller hanging up with its own {@code Reason} (RFC 3326): Atrium's BYE to the callee passes it on, its text
     * short quoted ASCII; a malformed one is not passed on, Atrium says its own.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1009 | ivan | Q.850;cause=31;text=\"Normal, unspecified\" | ^ *Q\\.850;cause=31;text=.Normal, unspecified.$",
        "1010 | judy | SIP;cause=abc;text=\"not a status\" | ^ *Q\\.850;cause=16;text=.hung up by the caller.$"})
    void theCallersOwnReasonIsPassedOnToTheCallee(String extension, String user, String given, String expected) {
        try (Sipp answering = phone(registerPhone(extension, user), "answer", 40016, expected);
             Sipp caller = call(extension, "answered", Map.of("BYE_HEADERS", "\nReason: " + given), "alice-password")) {
            assertOk(caller.await());
            assertOk(answering.await());
            assertThat(caller.messages()).contains("Reason: " + given);
        }
        Waits.waitUntil(() -> calls().isEmpty(), "the call to end");
    }

    /**
     * DTMF in SIP INFO (phones set to send keys that way) between two phones: the caller's INFO ({@code Signal=5},
     * {@code application/dtmf-relay}) reaches the callee's phone in its dialog with that body and type, and its 200 comes
     * back; an INFO the callee answers 415 comes back 415 ({@code caller-info.part}, {@code callee-info.part}).
     */
    @Test
    void dtmfInSipInfoIsPassedToTheOtherPhoneAndItsAnswerComesBack() {
        int phone = registerPhone("1030", "dora");
        try (Sipp answering = phone(phone, "info", 40040, normal("hung up by the caller"));
             Sipp caller = call("1030", "info", Map.of(), "alice-password")) {
            assertOk(caller.await());
            assertOk(answering.await());
        }
        Waits.waitUntil(() -> calls().isEmpty(), "the call to end");
    }

    /** An INFO outside any call gets 481, not a relay to nowhere; a method Atrium does not take (SUBSCRIBE) 405 naming INFO in Allow. */
    @Test
    void anInfoOutsideACallGets481AndAnUnknownMethod405() {
        try (Sipp stray = Sipp.start("info-stray.xml", Map.of(), sipPort, "-t", "u1", "-s", "1030")) {
            assertOk(stray.await());
        }
    }

    @Test
    void callerCancelsWhileRinging() {
        int phone = registerPhone("1005", "erin");
        try (Sipp ringing = phone(phone, "ring", 40006, normal("cancelled by the caller"));
             Sipp caller = call("1005", "cancel", Map.of(), "alice-password")) {
            assertOk(caller.await());
            assertOk(ringing.await());
        }
        Waits.waitUntil(() -> calls().isEmpty(), "the cancelled call to end");
    }

    /**
     * The caller cancelling with its own {@code Reason} (RFC 3326; e.g. a PBX whose other phone answered): Atrium's
     * CANCEL to each phone still ringing passes it on, made anew with its text bounded as a BYE's is (64 characters,
     * other parameters dropped); a malformed one is not passed on, Atrium says its own.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1014 | nina | SIP;cause=200;text=\"Call completed elsewhere\" | " + ELSEWHERE,
        "1015 | olga | Q.850;cause=19;text=\"No answer from user: alerted at every desk of the upstream PBX"
                + " until it gave up\";x-extra=1"
                + " | ^ *Q\\.850;cause=19;text=.No answer from user: alerted at every desk of the upstream PBX u.$",
        "1016 | paul | SIP;cause=abc;text=\"not a status\" | ^ *Q\\.850;cause=16;text=.cancelled by the caller.$"})
    void theCallersOwnCancelReasonIsPassedOnToEveryRingingPhone(String extension, String user, String given, String expected) {
        try (Sipp first = phone(registerPhone(extension, user), "ring", 40018, expected);
             Sipp second = phone(registerPhone(extension, user), "ring", 40020, expected);
             Sipp caller = call(extension, "cancel", Map.of("CANCEL_HEADERS", "\nReason: " + given), "alice-password")) {
            assertOk(caller.await());
            assertOk(first.await());
            assertOk(second.await());
            assertThat(caller.messages()).contains("Reason: " + given);
        }
        Waits.waitUntil(() -> calls().isEmpty(), "the cancelled call to end");
    }

    /**
     * A phone's own {@code 503} is not passed to the caller, who would take Atrium for overloaded (RFC 3261 16.7): the
     * caller gets {@code 500} (docs/SIP.md, "Restarts").
     */
    @Test
    void aPhonesOwn503ReachesTheCallerAs500() {
        try (Sipp unavailable = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-decline.part"),
                     "DECLINE", "503 Service Unavailable"), sipPort, registerPhone("1017", "quinn"), "-t", "u1").listening();
             Sipp caller = call("1017", "refused", Map.of("STATUS", "500"), "alice-password")) {
            assertOk(caller.await());
            assertOk(unavailable.await());
            assertThat(caller.messages()).doesNotContain("SIP/2.0 503");
        }
        Waits.waitUntil(() -> calls().isEmpty(), "the refused call to end");
    }

    @Test
    void anAnswerCrossingTheCancelIsAckedAndHungUp() {
        int phone = registerPhone("1005", "erin");
        try (Sipp racing = phone(phone, "cancel-race", 40012);
             Sipp caller = call("1005", "cancel", Map.of(), "alice-password")) {
            assertOk(caller.await());
            assertOk(racing.await()); // it got ACK and then BYE for its late 200
        }
        Waits.waitUntil(() -> calls().isEmpty(), "the cancelled call to end");
    }

    @Test
    void unansweredCallsTimeOutWith408() {
        int phone = registerPhone("1004", "dave");
        try (Sipp ringing = phone(phone, "ring", 40008, normal("no answer"));
             Sipp caller = call("1004", "refused", Map.of("STATUS", "408"), "alice-password")) {
            assertOk(caller.await());
            assertOk(ringing.await());
        }
    }

    @Test
    void noPhoneUnknownExtensionAndBadPasswordAreRefused() {
        assertOk(Sipp.run("caller.xml", Map.of("OUTCOME", Sipp.resource("caller-refused.part"), "STATUS", "404",
                "FROM", "1001", "MEDIA_PORT", "40010"), sipPort, "-t", "u1", "-s", "1999", "-au", "alice", "-ap", "alice-password"));
        try (Sipp wrong = call("1002", "refused", Map.of("STATUS", "403"), "wrong-password")) {
            assertOk(wrong.await());
        }
        user("frank", "1006");
        try (Sipp nobody = call("1006", "refused", Map.of("STATUS", "480"), "alice-password")) {
            assertOk(nobody.await());
        }
    }

    @Test
    void aStrangerSprayingTheCallsRelayPortsGetsNoneOfItsMediaAndInjectsNone() {
        int phone = registerPhone("1011", "kate");
        try (RtpPhone mediaA = new RtpPhone(); RtpPhone mediaB = new RtpPhone();
             Sipp answering = phone(phone, "answer", mediaB.port());
             Sipp caller = call("1011", "answered", Map.of("MEDIA_PORT", String.valueOf(mediaA.port()), "HOLD", "50000"),
                     "alice-password")) {
            Relay relay = talking(caller, answering, mediaA, mediaB, 1600);

            assertAStrangerGetsNothing(mediaA, relay.a(), mediaB, relay.b());
            caller.hangUp();
            assertOk(caller.await());
            assertOk(answering.await());
        }
    }

    @Test
    void phonesWhoseMediaComesFromAnotherPortThanTheirSdpNamesAreLearnedAndThenKept() {
        int phone = registerPhone("1012", "liam");
        try (DatagramSocket sdpA = loopbackSocket(); DatagramSocket sdpB = loopbackSocket();
             RtpPhone mediaA = new RtpPhone(); RtpPhone mediaB = new RtpPhone();
             Sipp answering = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-answer.part"),
                     "MEDIA_PORT", String.valueOf(sdpB.getLocalPort()),
                     "ANSWER_AFTER", String.valueOf((SourceLatch.LEARNING_SECONDS + 1) * 1000)), sipPort, phone, "-t", "u1").listening();
             Sipp caller = call("1012", "answered", Map.of("MEDIA_PORT", String.valueOf(sdpA.getLocalPort()), "HOLD", "50000"),
                     "alice-password")) {
            Relay relay = talking(caller, answering, mediaA, mediaB, 4000);

            assertAStrangerGetsNothing(mediaA, relay.a(), mediaB, relay.b());
            caller.hangUp();
            assertOk(caller.await());
            assertOk(answering.await());
        }
    }

    /**
     * Alice's phone holds an answered call ({@code a=holdDirection} with {@code c=holdAddress}) and resumes it: Atrium's
     * 200 to the hold re-INVITE answers the direction as RFC 3264 6.1 wants ({@code holdAnswer}, where the callee's SDP
     * said {@code sendrecv}), its 200 to the resume says {@code sendrecv}, and each changed SDP's origin version is one up
     * ({@code caller-hold-resume.part} checks both). The hold is passed on: the callee's phone gets Atrium's re-INVITE
     * offering {@code heldOffer} (the old {@code c=0.0.0.0} as {@code a=sendonly}) with the relay's address, answers
     * {@code holdAnswer}, and gets the resume's {@code sendrecv} ({@code callee-held.part} checks them); the media flow
     * again after the resume.
     */
    @ParameterizedTest
    @CsvSource({"sendonly, 127.0.0.1, recvonly, sendonly, 1018, rita", "inactive, 127.0.0.1, inactive, inactive, 1019, sam",
            "sendrecv, 0.0.0.0, recvonly, sendonly, 1020, tara"})
    void aCallersHoldIsAnsweredInTheMirroredDirectionAndPassedOnAndSoIsTheResume(String holdDirection, String holdAddress,
            String holdAnswer, String heldOffer, String extension, String user) {
        int phone = registerPhone(extension, user);
        try (RtpPhone mediaA = new RtpPhone(); RtpPhone mediaB = new RtpPhone();
             Sipp answering = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-held.part"),
                     "MEDIA_PORT", String.valueOf(mediaB.port()), "REASON", normal("hung up by the caller"),
                     "HELD_OFFER", heldOffer, "HELD_ANSWER", holdAnswer), sipPort, phone, "-t", "u1").listening();
             Sipp caller = call(extension, "hold-resume", Map.of("MEDIA_PORT", String.valueOf(mediaA.port()), "HOLD", "50000",
                     "HOLD_DIRECTION", holdDirection, "HOLD_ADDRESS", holdAddress, "HOLD_ANSWER", holdAnswer), "alice-password")) {
            Waits.waitUntil(() -> answering.messages().contains("CSeq: 2 ACK"), "the callee's phone to agree to the hold",
                    Duration.ofSeconds(Sipp.TIMEOUT_SECONDS));
            caller.hangUp(); // the first INFO makes it resume
            Waits.waitUntil(() -> answering.messages().contains("CSeq: 3 ACK"), "the callee's phone to agree to the resume",
                    Duration.ofSeconds(Sipp.TIMEOUT_SECONDS));
            talking(caller, answering, mediaA, mediaB, 1600);
            caller.hangUp();
            assertOk(caller.await());
            assertOk(answering.await());
        }
    }

    /**
     * The callee's phone agrees to be held, then answers Atrium's re-INVITE passing the resume on with 481 (its dialog is
     * gone, RFC 3261 14.1): the call ends, both phones get BYE saying {@code re-INVITE unanswered by the callee}.
     */
    @Test
    void aHeldPhoneWhoseDialogIsGoneWhenResumedEndsTheCall() {
        int phone = registerPhone("1021", "uma");
        String gone = normal("re-INVITE unanswered by the callee");
        try (Sipp answering = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-held-gone.part"),
                     "MEDIA_PORT", "40030", "REASON", gone, "HELD_OFFER", "inactive", "HELD_ANSWER", "inactive"),
                     sipPort, phone, "-t", "u1").listening();
             Sipp caller = call("1021", "hold-resume", Map.of("HOLD", "50000", "REASON", gone, "HOLD_DIRECTION", "inactive",
                     "HOLD_ADDRESS", "127.0.0.1", "HOLD_ANSWER", "inactive"), "alice-password")) {
            Waits.waitUntil(() -> answering.messages().contains("CSeq: 2 ACK"), "the callee's phone to agree to the hold",
                    Duration.ofSeconds(Sipp.TIMEOUT_SECONDS));
            caller.hangUp(); // the first INFO makes it resume
            assertOk(caller.await());
            assertOk(answering.await());
            Waits.waitUntil(() -> calls().isEmpty(), "the call to be gone");
        }
    }

    /**
     * The callee's phone holds ({@code a=sendonly}): Atrium answers it {@code a=recvonly} and passes the hold on to the
     * caller's phone, which gets Atrium's re-INVITE offering {@code a=sendonly} with the relay's address and agrees
     * ({@code callee-holds.part} and {@code caller-told.part} check them); the call goes on until the caller hangs up.
     */
    @Test
    void aCalleesHoldIsPassedOnToTheCaller() {
        int phone = registerPhone("1022", "vera");
        try (Sipp answering = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-holds.part"),
                     "MEDIA_PORT", "40032", "REASON", normal("hung up by the caller")), sipPort, phone, "-t", "u1").listening();
             Sipp caller = call("1022", "told", Map.of("HOLD", "50000"), "alice-password")) {
            Waits.waitUntil(() -> answering.messages().contains("CSeq: 2 ACK"), "the callee's phone to hold the call",
                    Duration.ofSeconds(Sipp.TIMEOUT_SECONDS));
            // Atrium's ACK of the caller's 200 to the re-INVITE, received (the caller's own ACKs, of the 401 and the 200,
            // are no sign: counted, they let the hang-up INFO overtake that ACK under load, which SIPp calls unexpected)
            Waits.waitUntil(() -> RECEIVED_ACK.matcher(caller.messages()).find(), "the caller's phone to be told",
                    Duration.ofSeconds(Sipp.TIMEOUT_SECONDS));
            assertThat(calls()).hasSize(1);
            caller.hangUp();
            assertOk(caller.await());
            assertOk(answering.await());
        }
    }

    /** An ACK that SIPp received (its message log: "UDP message received [n] bytes :", then the message). */
    static final Pattern RECEIVED_ACK = Pattern.compile("message received \\[\\d+\\] bytes :\\s*ACK sip:");

    /** The SDP of the first response with {@code status} to the caller's INVITE that SIPp logged (the caller's side). */
    static String sdpOf(Sipp sipp, int status) {
        Matcher m = Pattern.compile("SIP/2.0 " + status + " [^\\r\\n]*\\r?\\n[\\s\\S]*?\\r?\\n\\r?\\n(v=0[\\s\\S]*?)(?=\\r?\\n\\r?\\n|\\r?\\n-{5}|\\s*\\z)")
                .matcher(sipp.messages());
        assertThat(m.find()).as(status + " with SDP at the caller").isTrue();
        return m.group(1).strip();
    }

    static final Pattern EARLY_SDP = Pattern.compile("SIP/2.0 183 [\\s\\S]*?m=audio (\\d+)");

    /**
     * Early media (RFC 3960): the callee's phone sends 183 Session Progress with SDP and RTP before it answers; the caller
     * gets a 183 with an SDP naming Atrium's relay and hears the phone's tone through it before any 200, while the
     * caller's own media do not reach the unanswered phone (early media go one way). A 180 without SDP after that
     * reaches the caller as nothing ({@code caller-early.part} fails on a 180 after the 183) and stops nothing: the
     * caller hears the phone's next tone. The 200 then carries exactly the 183's SDP (RFC 3261 13.2.1: the caller takes
     * the first SDP as the answer), and the call talks both ways.
     */
    @Test
    void earlyMediaReachTheCallerBeforeTheAnswerAndThe200RepeatsThe183sSdp() {
        int phone = registerPhone("1023", "wendy");
        try (RtpPhone mediaA = new RtpPhone(); RtpPhone mediaB = new RtpPhone();
             Sipp answering = nudgedPhone(phone, "early-answer", mediaB.port(), normal("hung up by the caller"));
             Sipp caller = call("1023", "early", Map.of("MEDIA_PORT", String.valueOf(mediaA.port()), "HOLD", "50000"),
                     "alice-password")) {
            Waits.waitUntil(() -> port(caller, EARLY_SDP) > 0, "the caller's 183 with SDP");
            Relay relay = new Relay(port(caller, EARLY_SDP), port(answering, OFFER_SDP));
            mediaB.sendTone(440, relay.b());
            mediaA.sendTone(1000, relay.a());
            assertTone(mediaA.receive(4000, Duration.ofSeconds(10)), 440, 1000);
            assertThat(mediaB.receive(800, Duration.ofSeconds(1))).as("the caller's media at the unanswered phone").isEmpty();

            answering.nudge(); // its 180 without SDP
            Waits.waitUntil(() -> answering.messages().contains("SIP/2.0 180 Ringing"), "the phone's 180");
            mediaB.tone(550);
            assertHearsEventually(mediaA, 550);
            assertThat(caller.messages()).doesNotContain("SIP/2.0 200 OK");

            answering.nudge(); // its 200
            Waits.waitUntil(() -> port(caller, ANSWER_SDP) > 0, "the caller's 200");
            assertThat(sdpOf(caller, 200)).isEqualTo(sdpOf(caller, 183));
            assertHearsEventually(mediaB, 1000);
            assertTone(mediaA.receive(4000, Duration.ofSeconds(10)), 550, 1000);
            caller.hangUp();
            assertOk(caller.await());
            assertOk(answering.await());
        }
        Waits.waitUntil(() -> calls().isEmpty(), "the call to end");
    }

    /**
     * A phone that sends early media and then fails (486): the caller, who heard the early media, gets the 486, the
     * call is gone and both relay legs' ports are free again.
     */
    @Test
    void earlyMediaThenBusyReachesTheCallerAndFreesTheRelay() {
        int phone = registerPhone("1024", "xena");
        try (RtpPhone mediaA = new RtpPhone(); RtpPhone mediaB = new RtpPhone();
             Sipp busy = nudgedPhone(phone, "early-busy", mediaB.port(), ".*");
             Sipp caller = call("1024", "early-refused", Map.of("MEDIA_PORT", String.valueOf(mediaA.port()), "STATUS", "486"),
                     "alice-password")) {
            Waits.waitUntil(() -> port(caller, EARLY_SDP) > 0, "the caller's 183 with SDP");
            Relay relay = new Relay(port(caller, EARLY_SDP), port(busy, OFFER_SDP));
            mediaB.sendTone(440, relay.b());
            assertTone(mediaA.receive(4000, Duration.ofSeconds(10)), 440, 1000);

            busy.nudge(); // its 486
            assertOk(caller.await());
            assertOk(busy.await());
            Waits.waitUntil(() -> calls().isEmpty(), "the refused call to end");
            for (int port : new int[] {relay.a(), relay.a() + 1, relay.b(), relay.b() + 1}) {
                Waits.waitUntil(() -> bindable(port), "relay port " + port + " to be free");
            }
        }
    }

    static boolean bindable(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A fork where one phone sends early media and the other answers: the caller hears the first phone's early media
     * through the 183's relay address, then, once the other phone answered, that phone through the same address (the
     * 200 repeats the 183's SDP); the first phone, cancelled ({@code Call completed elsewhere}) but still sending, is
     * heard no more and gets nothing of the caller, not even while the answering phone has not sent yet. When the
     * answering phone's SDP ({@code formats}, and {@code maps} after PCMU's rtpmap) says other media than the early one
     * (no telephone-event), the caller, who keeps the early SDP, is offered the answering phone's by re-INVITE once it
     * ACKed ({@code callerPart} early-updated checks it).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"1025 | yara | early | 0 101 | \\na=rtpmap:101 telephone-event/8000",
            "1028 | bert | early-updated | 0 | ''"})
    void aForkMovesTheEarlyMediaToThePhoneThatAnswers(String extension, String user, String callerPart, String formats,
                                                      String maps) {
        int early = registerPhone(extension, user);
        int answers = registerPhone(extension, user);
        try (RtpPhone mediaA = new RtpPhone(); RtpPhone mediaE = new RtpPhone(); RtpPhone mediaW = new RtpPhone();
             Sipp ringing = phone(early, "early-ring", mediaE.port(), ELSEWHERE);
             Sipp answering = nudgedPhone(answers, "answer-nudged", mediaW.port(), normal("hung up by the caller"),
                     Map.of("ANSWER_FORMATS", formats, "ANSWER_MAPS", maps.replace("\\n", "\n")));
             Sipp caller = call(extension, callerPart, Map.of("MEDIA_PORT", String.valueOf(mediaA.port()), "HOLD", "50000"),
                     "alice-password")) {
            Waits.waitUntil(() -> port(caller, EARLY_SDP) > 0, "the caller's 183 with SDP");
            Waits.waitUntil(() -> port(answering, OFFER_SDP) > 0, "the INVITE at the answering phone");
            Relay relay = new Relay(port(caller, EARLY_SDP), port(answering, OFFER_SDP));
            mediaE.sendTone(440, relay.b());
            assertTone(mediaA.receive(4000, Duration.ofSeconds(10)), 440, 1000);

            answering.nudge(); // its 200
            Waits.waitUntil(() -> port(caller, ANSWER_SDP) > 0, "the caller's 200");
            assertThat(sdpOf(caller, 200)).isEqualTo(sdpOf(caller, 183));
            assertOk(ringing.await()); // cancelled: Call completed elsewhere
            Waits.waitUntil(() -> callerPart.equals("early") || caller.messages().contains("o=- 1 2 IN IP4"),
                    "the caller's answer to the re-INVITE with the answering phone's media");
            mediaA.sendTone(1000, relay.a());
            assertThat(mediaE.receive(800, Duration.ofSeconds(2))).as("the caller's media at the cancelled phone").isEmpty();
            mediaW.sendTone(700, relay.b());
            assertHearsEventually(mediaA, 700);
            assertTone(mediaA.receive(4000, Duration.ofSeconds(10)), 700, 440);
            assertTone(mediaW.receive(4000, Duration.ofSeconds(10)), 1000, 440);
            assertThat(mediaE.receive(800, Duration.ofSeconds(1))).as("the caller's media at the cancelled phone").isEmpty();
            caller.hangUp();
            assertOk(caller.await());
            assertOk(answering.await());
        }
        Waits.waitUntil(() -> calls().isEmpty(), "the call to end");
    }

    /**
     * Atrium's re-INVITE passing the caller's hold on crosses the callee's phone's own (glare): the phone answers it 491
     * Request Pending, and Atrium tries again after RFC 3261 14.1's delay (2.1 to 4 s: Atrium owns that dialog's
     * Call-ID), offering the same hold ({@code a=sendonly}, origin version 2 again: the 491 changed nothing), which the
     * phone agrees to ({@code callee-held-glare.part} checks it); the phone then hangs up.
     */
    @Test
    void aHoldPassedOnThatGets491IsRetriedAndTheHeldPhoneEndsUpHeld() {
        int phone = registerPhone("1026", "zack");
        String byCallee = normal("hung up by the callee");
        try (Sipp answering = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-held-glare.part"),
                     "MEDIA_PORT", "40034", "HELD_OFFER", "sendonly"), sipPort, phone, "-t", "u1").listening();
             Sipp caller = call("1026", "held", Map.of("HOLD_DIRECTION", "sendonly", "HOLD_ADDRESS", "127.0.0.1",
                     "REASON", byCallee), "alice-password")) {
            assertOk(answering.await());
            assertOk(caller.await());
        }
        Waits.waitUntil(() -> calls().isEmpty(), "the call to end");
    }

    /**
     * The glare seen from Atrium's side: the held phone sends its own re-INVITE while Atrium's (passing the caller's
     * hold on) is still unanswered on that dialog. RFC 3261 14.2 has Atrium answer it 491 Request Pending rather than
     * take the phone's new offer against an SDP its pending one is changing ({@code callee-held-crossed.part} fails on
     * a 200); the phone then answers Atrium's hold, which Atrium ACKs, and hangs up.
     */
    @Test
    void aPhonesReinviteWhileAtriumsIsPendingGets491() {
        int phone = registerPhone("1029", "cleo");
        try (Sipp answering = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-held-crossed.part"),
                     "MEDIA_PORT", "40038", "HELD_OFFER", "sendonly"), sipPort, phone, "-t", "u1").listening();
             Sipp caller = call("1029", "held", Map.of("HOLD_DIRECTION", "sendonly", "HOLD_ADDRESS", "127.0.0.1",
                     "REASON", normal("hung up by the callee")), "alice-password")) {
            assertOk(answering.await());
            assertOk(caller.await());
        }
        Waits.waitUntil(() -> calls().isEmpty(), "the call to end");
    }

    /**
     * The same glare, but the held phone's own re-INVITE (the one that crossed Atrium's) already holds with
     * {@code a=inactive}, which is what Atrium's hold offer said: Atrium's answer to it tells the phone what is true, so no
     * retry goes ({@code callee-glare-settled.part} takes no other request for longer than the longest retry delay),
     * and the caller, holding {@code inactive} itself, is told nothing more either.
     */
    @Test
    void noRetryGoesWhenTheHeldPhonesOwnReinviteAlreadySaidItAll() {
        int phone = registerPhone("1027", "abby");
        try (Sipp answering = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-glare-settled.part"),
                     "MEDIA_PORT", "40036"), sipPort, phone, "-t", "u1").listening();
             Sipp caller = call("1027", "held", Map.of("HOLD_DIRECTION", "inactive", "HOLD_ADDRESS", "127.0.0.1",
                     "REASON", normal("hung up by the callee")), "alice-password")) {
            assertOk(answering.await());
            assertOk(caller.await());
        }
        Waits.waitUntil(() -> calls().isEmpty(), "the call to end");
    }

    @Test
    void aCallersReinviteWithAnotherAddressMovesItsMediaThere() {
        int phone = registerPhone("1013", "mia");
        try (RtpPhone mediaA = new RtpPhone(); RtpPhone moved = new RtpPhone(); RtpPhone mediaB = new RtpPhone();
             Sipp answering = phone(phone, "answer", mediaB.port());
             Sipp caller = call("1013", "move", Map.of("MEDIA_PORT", String.valueOf(mediaA.port()),
                     "MOVED_PORT", String.valueOf(moved.port()), "HOLD", "50000"), "alice-password")) {
            Relay relay = talking(caller, answering, mediaA, mediaB, 1600);

            mediaA.close();
            caller.hangUp(); // the first INFO makes it re-INVITE
            Waits.waitUntil(() -> REINVITE_ANSWERED.matcher(caller.messages()).find(), "Atrium's 200 to the re-INVITE");
            moved.sendTone(700, relay.a());
            assertTone(moved.receive(4000, Duration.ofSeconds(10)), 440, 700);
            assertHearsEventually(mediaB, 700);

            caller.hangUp();
            assertOk(caller.await());
            assertOk(answering.await());
        }
    }

    static final Pattern REINVITE_ANSWERED = Pattern.compile("SIP/2.0 200 OK\\r?\\n(?:.+\\r?\\n)*?CSeq: 3 INVITE");

    /**
     * Reads {@code phone}'s audio 200 ms at a time (what queued before is read first) until it holds a {@code frequency}
     * Hz tone, for at most 10 s.
     */
    static void assertHearsEventually(RtpPhone phone, double frequency) {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(10);
        for (int i = 0; i < 200 && java.time.Instant.now().isBefore(deadline); i++) {
            short[] pcm = phone.receive(1600, Duration.ofSeconds(1));
            if (pcm.length == 1600 && Goertzel.power(pcm, pcm.length, RtpPhone.RATE, frequency) > 0.5) {
                return;
            }
        }
        throw new AssertionError("no " + frequency + " Hz tone within 10 s");
    }

    static DatagramSocket loopbackSocket() {
        try {
            return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * With media flowing between {@code a} (sending to relay port {@code relayA}) and {@code b}, each phone's RTCP
     * having reached its leg: a {@link Stranger} sprays RTP and RTCP at both legs, yet gets no packet back, and
     * neither phone hears its SSRC or its tone, while each still hears the other.
     */
    static void assertAStrangerGetsNothing(RtpPhone a, int relayA, RtpPhone b, int relayB) {
        a.sendReceiverReport(relayA + 1, 0, 0);
        b.sendReceiverReport(relayB + 1, 0, 0);
        try (Stranger stranger = new Stranger()) {
            stranger.spray(relayA, relayB);
            Waits.waitUntil(() -> stranger.sent() >= 4 * 100, "the stranger's first 100 packets to each port");
            short[] heardByB = b.receive(4000, Duration.ofSeconds(10));
            short[] heardByA = a.receive(4000, Duration.ofSeconds(10));
            assertTone(heardByB, 1000, 440);
            assertTone(heardByA, 440, 1000);
            assertThat(Goertzel.power(heardByB, heardByB.length, RtpPhone.RATE, Stranger.TONE)).as("the stranger's tone").isLessThan(0.05);
            assertThat(Goertzel.power(heardByA, heardByA.length, RtpPhone.RATE, Stranger.TONE)).as("the stranger's tone").isLessThan(0.05);
            a.sendReceiverReport(relayA + 1, 0, 0);
            b.sendReceiverReport(relayB + 1, 0, 0);
            int sent = stranger.sent();
            Waits.waitUntil(() -> stranger.sent() >= sent + 4 * 50, "the stranger's next 50 packets to each port");
            assertThat(b.heardSsrcs()).as("SSRCs phone B received").doesNotContain(Stranger.SSRC);
            assertThat(a.heardSsrcs()).as("SSRCs phone A received").doesNotContain(Stranger.SSRC);
            assertThat(stranger.received()).as("packets the stranger received").isZero();
        }
    }

    /**
     * Someone who can reach Atrium's RTP ports: from its own UDP socket on 127.0.0.1 it sends to each relay port given
     * a well-formed RTP stream (one SSRC, consecutive sequence numbers, a μ-law {@value #TONE} Hz tone) and RTCP
     * receiver reports to the port + 1, a packet to each every 5 ms, and counts what it gets back.
     */
    static final class Stranger implements AutoCloseable {
        static final int SSRC = 0x57a4e6e5;
        static final double TONE = 2000;
        private final DatagramSocket socket = loopbackSocket();
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicInteger received = new AtomicInteger();
        private volatile boolean running = true;
        private final Thread listener = new Thread(this::listen, "rtp-stranger-listener");
        private Thread sprayer;

        Stranger() {
            listener.setDaemon(true);
            listener.start();
        }

        void spray(int... rtpPorts) {
            sprayer = new Thread(() -> {
                InetAddress loopback = InetAddress.getLoopbackAddress();
                byte[] rtp = new byte[12 + 160];
                ByteBuffer rtcp = ByteBuffer.allocate(8).put((byte) 0x80).put((byte) 201).putShort((short) 1).putInt(SSRC);
                for (int seq = 0; running && seq < 12_000; seq++) {
                    ByteBuffer.wrap(rtp).put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(seq * 160).putInt(SSRC);
                    for (int i = 0; i < 160; i++) {
                        rtp[12 + i] = G711.encodeUlaw((short) (8000 * Math.sin(2 * Math.PI * TONE * (seq * 160 + i) / RtpPhone.RATE)));
                    }
                    try {
                        for (int port : rtpPorts) {
                            socket.send(new DatagramPacket(rtp, rtp.length, loopback, port));
                            socket.send(new DatagramPacket(rtcp.array(), 8, loopback, port + 1));
                            sent.addAndGet(2);
                        }
                        Thread.sleep(5);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            }, "rtp-stranger");
            sprayer.setDaemon(true);
            sprayer.start();
        }

        private void listen() {
            byte[] buf = new byte[2048];
            try {
                socket.setSoTimeout(100);
                for (int i = 0; running && i < 100_000; i++) {
                    try {
                        socket.receive(new DatagramPacket(buf, buf.length));
                        received.incrementAndGet();
                    } catch (SocketTimeoutException e) {
                        // nothing came: listen on
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }

        int sent() {
            return sent.get();
        }

        int received() {
            return received.get();
        }

        @Override
        public void close() {
            running = false;
            socket.close();
            try {
                listener.join(2000);
                if (sprayer != null) {
                    sprayer.join(2000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
