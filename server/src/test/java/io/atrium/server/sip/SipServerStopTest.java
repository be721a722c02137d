package io.atrium.server.sip;

import static io.atrium.server.sip.SipRegistrarTest.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.Ports;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.RtpPhone;
import io.atrium.server.testing.Sipp;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * A server that stops (docs/SIP.md, "Restarts") tells the clients of what it cannot keep: an invite
 * still ringing ends as {@code server stopping} for the invited user's apps and for the inviter, and a
 * temporary room ends with {@code room_ended} for its members before their sockets close. A server
 * started again on the same database no longer has the temporary room. While it stops, nothing new rings.
 */
class SipServerStopTest {

    /** The {@code Reason} of Atrium's BYE or CANCEL to a phone as the server stops (docs/SIP.md, "Restarts"). */
    static final String STOPPING = "^ *SIP;cause=503;text=.server stopping.$";

    @RegisterExtension
    final Closer open = new Closer();

    /** A server that a test stops itself (what it checks), closed at the end only if the test failed before that. */
    static final class Stopping implements AutoCloseable {
        final TestServer server;
        private boolean stopped;

        Stopping(String directoryPrefix) throws java.io.IOException {
            server = TestServer.start(config(directoryPrefix));
        }

        void stop() {
            stopped = true;
            server.close();
        }

        @Override
        public void close() {
            if (!stopped) {
                server.close();
            }
        }
    }

    @Test
    void stoppingEndsRingingInvitesAndTemporaryRoomsAndSaysSo() throws Exception {
        AtriumConfig c = config("atrium-sip-stop-");
        TestServer server = TestServer.start(c);
        String room;
        RpcClient ada;
        RpcClient bob;
        try {
            users(server, "ada", "1001", "bob", "1002");
            bob = open.track(RpcClient.connect(server));
            bob.call("register_room_api", Map.of("username", "bob", "password", "bob-password"));
            ada = open.track(RpcClient.connect(server));
            JavaPeer peer = open.track(new JavaPeer());
            JsonNode created = ada.call("create_temp_room", Map.of("call_id", UUID.randomUUID().toString(), "username", "ada",
                    "password", "ada-password", "sdp", peer.offer(true), "invited", List.of("1002")));
            peer.connect(created.get("sdp").asText());
            room = created.get("room_id").asText();
            String callId = bob.await("room_invite").get("call_id").asText();
            assertThat(created.at("/invited/0/bridge_id").asText()).isEqualTo(callId);
        } finally {
            server.close();
        }
        JsonNode cancelled = bob.await("room_invite_cancelled");
        assertThat(cancelled.get("reason").asText()).isEqualTo("server stopping");
        JsonNode reject = ada.await("room_invite_reject");
        assertThat(reject.get("reason").asText()).isEqualTo("server stopping");
        assertThat(reject.get("destination").asText()).isEqualTo("1002");
        assertThat(ada.await("room_ended").get("by_admin").asBoolean(true)).isFalse();

        try (TestServer again = TestServer.start(c)) {
            assertThat(again.get("/v1/rooms/" + room).status()).as("the temporary room is gone").isEqualTo(404);
        }
    }

    /**
     * A server that stops hangs up the phones in its rooms while it still can, saying why: BYE with
     * {@code Reason: SIP;cause=503;text="server stopping"}, so that the phone may call again when it is back.
     */
    @Test
    void stoppingHangsUpThePhonesInRoomsAsUnavailable() throws Exception {
        try (Stopping stopping = new Stopping("atrium-sip-stop-phone-"); RtpPhone media = new RtpPhone()) {
            TestServer server = stopping.server;
            int sipPort = server.config().sip().port();
            users(server, "ada", "1001");
            String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"stops\",\"open\":true}}").json().at("/room/uuid").asText();
            String number = server.get("/v1/sip/rooms/" + room).json().get("number").asText();
            try (Sipp phone = Sipp.start("caller.xml", Map.of("OUTCOME", Sipp.resource("caller-room.part"), "FROM", "1001",
                    "MEDIA_PORT", String.valueOf(media.port()), "REASON", STOPPING), sipPort,
                    "-t", "u1", "-s", number, "-au", "ada", "-ap", "ada-password")) {
                Waits.waitUntil(() -> SipRoomPhoneTest.inRoom(server), "the phone in the room");
                stopping.stop();
                assertOk(phone.await());
            }
        }
    }

    /**
     * A server that stops ends the calls between extensions too, as unavailable: Atrium's BYE to both phones says
     * {@code Reason: SIP;cause=503;text="server stopping"} (the relay carrying their media stops with it).
     */
    @Test
    void stoppingHangsUpBothPhonesOfACallBetweenExtensionsAsUnavailable() throws Exception {
        try (Stopping stopping = new Stopping("atrium-sip-stop-call-")) {
            TestServer server = stopping.server;
            int sipPort = server.config().sip().port();
            users(server, "ada", "1001", "bob", "1002");
            int bobPhone = SipCallTest.registerPhone(sipPort, "1002", "bob");
            try (Sipp bob = SipCallTest.phone(sipPort, bobPhone, "answer", 40044, STOPPING);
                 Sipp ada = Sipp.start("caller.xml", Map.of("OUTCOME", Sipp.resource("caller-room.part"), "FROM", "1001",
                         "MEDIA_PORT", "40046", "REASON", STOPPING), sipPort, "-t", "u1", "-s", "1002", "-au", "ada", "-ap",
                         "ada-password")) {
                Waits.waitUntil(() -> server.get("/v1/sip/calls").json().findValuesAsText("state").contains("answered"),
                        "the call answered");
                stopping.stop();
                assertOk(bob.await());
                assertOk(ada.await());
            }
        }
    }

    /**
     * A server that stops ends a call between extensions still ringing as unavailable: the caller gets {@code 503} with the
     * {@code Retry-After} of a stopping server (10 s, as a call into a room while the media stops), the ringing phone a
     * CANCEL with {@code Reason: SIP;cause=503;text="server stopping"}.
     */
    @Test
    void stoppingEndsARingingCallBetweenExtensionsWith503AndRetryAfter() throws Exception {
        try (Stopping stopping = new Stopping("atrium-sip-stop-ringing-")) {
            TestServer server = stopping.server;
            int sipPort = server.config().sip().port();
            users(server, "ada", "1001", "bob", "1002");
            int bobPhone = SipCallTest.registerPhone(sipPort, "1002", "bob");
            try (Sipp bob = SipCallTest.phone(sipPort, bobPhone, "ring", 40048, STOPPING);
                 Sipp ada = Sipp.start("caller.xml", Map.of("OUTCOME", Sipp.resource("caller-refused.part"), "STATUS", "503",
                         "FROM", "1001", "MEDIA_PORT", "40050"), sipPort, "-t", "u1", "-s", "1002", "-au", "ada", "-ap",
                         "ada-password")) {
                Waits.waitUntil(() -> ada.messages().contains("180 Ringing"), "the ringing passed on to the caller");
                stopping.stop();
                assertOk(bob.await());
                assertOk(ada.await());
                assertThat(ada.messages()).containsPattern("SIP/2.0 503 [^\\r\\n]*\\r?\\n(.+\\r?\\n)*Retry-After: ?10");
            }
        }
    }

    /**
     * A server that stops cancels the phone a room's invite rings, and waits for its answer: the phone here takes 300 ms
     * between its {@code 200} to the CANCEL and its {@code 487}, which Atrium must still acknowledge — were its stack
     * gone by then, the phone would wait for the ACK until SIPp's timeout (a real phone repeats its 487 for 32 s).
     * The stop comes once Atrium has the phone's 180 (its log says the phone rings): before it, no CANCEL may go.
     */
    @Test
    void stoppingCancelsThePhoneAnInviteRingsAndAcknowledgesItsLate487() throws Exception {
        try (Stopping stopping = new Stopping("atrium-sip-stop-dial-")) {
            TestServer server = stopping.server;
            int sipPort = server.config().sip().port();
            users(server, "ada", "1001", "bob", "1002");
            int bobPhone = SipCallTest.registerPhone(sipPort, "1002", "bob");
            try (Sipp bob = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-ring.part"), "MEDIA_PORT", "40056",
                    "REASON", STOPPING, "TERMINATE_AFTER", "300"), sipPort, bobPhone, "-t", "u1")
                    .listening()) {
                ListAppender<ILoggingEvent> dialOut = new ListAppender<>();
                dialOut.start();
                Logger dialOutLog = (Logger) LoggerFactory.getLogger("atrium.sip.dialout");
                dialOutLog.addAppender(dialOut);
                try {
                    RpcClient ada = open.track(RpcClient.connect(server));
                    JavaPeer peer = open.track(new JavaPeer());
                    ada.call("create_temp_room", Map.of("call_id", UUID.randomUUID().toString(), "username", "ada",
                            "password", "ada-password", "sdp", peer.offer(true), "invited", List.of("1002")));
                    Waits.waitUntil(() -> {
                        synchronized (dialOut) { // as the appender appends
                            return dialOut.list.stream().anyMatch(e -> e.getFormattedMessage().endsWith(" rings"));
                        }
                    }, "Atrium has the phone's 180");
                } finally {
                    dialOutLog.detachAppender(dialOut);
                }
                stopping.stop();
                assertOk(bob.await());
            }
        }
    }

    /**
     * A phone dialling a room while the server's media stops is refused with {@code 503 Service Unavailable} and a
     * {@code Retry-After}, not answered and then hung up: the room's media takes no more members.
     */
    @Test
    void aCallIntoARoomWhileTheMediaStopsIsRefusedAsUnavailable() throws Exception {
        TestServer server = open.track(TestServer.start(config("atrium-sip-stop-media-")));
        int sipPort = server.config().sip().port();
        users(server, "ada", "1001");
        String number = server.get("/v1/sip/rooms/" + server.createRoom("stopping")).json().get("number").asText();
        server.server().media().close(); // the media threads stop first
        try (Sipp caller = Sipp.start("caller.xml", Map.of("OUTCOME", Sipp.resource("caller-refused.part"), "STATUS", "503",
                "FROM", "1001", "MEDIA_PORT", "40030"), sipPort, "-t", "u1", "-s", number, "-au", "ada", "-ap", "ada-password")) {
            assertOk(caller.await());
            assertThat(caller.messages()).containsPattern("SIP/2.0 503 [^\\r\\n]*\\r?\\n(.+\\r?\\n)*Retry-After: ?10");
        }
        assertThat(server.get("/v1/sip/calls").json().get("calls")).as("no call into the room left").isEmpty();
    }

    /**
     * While the server stops, nothing new rings, as a call into a room is refused then: a phone's call to an extension gets
     * {@code 503} with the {@code Retry-After} of a stopping server (10 s) before the callee's phone rings, and a room's
     * {@code invite_exten} a {@code 503} error; the callee's registered phone gets no INVITE.
     */
    @Test
    void newCallsAndInvitesAreRefusedWhileTheServerStops() throws Exception {
        TestServer server = open.track(TestServer.start(config("atrium-sip-stop-new-")));
        int sipPort = server.config().sip().port();
        users(server, "ada", "1001", "bob", "1002");
        int bobPhone = SipCallTest.registerPhone(sipPort, "1002", "bob");
        String room = server.createRoom("invites while stopping");
        RpcClient admin = open.track(RpcClient.connect(server));
        admin.call("watch_room", Map.of("auth_token", server.token(room, "\"identity\": \"host\", \"admin\": true")));
        try (Sipp bob = SipCallTest.phone(sipPort, bobPhone, "ring", 40052)) {
            server.server().sip().orElseThrow().stopping(); // what AtriumServer.close does first

            try (Sipp ada = Sipp.start("caller.xml", Map.of("OUTCOME", Sipp.resource("caller-refused.part"), "STATUS", "503",
                    "FROM", "1001", "MEDIA_PORT", "40054"), sipPort, "-t", "u1", "-s", "1002", "-au", "ada", "-ap",
                    "ada-password")) {
                assertOk(ada.await());
                assertThat(ada.messages()).containsPattern("SIP/2.0 503 [^\\r\\n]*\\r?\\n(.+\\r?\\n)*Retry-After: ?10");
            }
            SipDialOutTest.assertError(admin.request("invite_exten", Map.of("extens", List.of("1002"))), 503,
                    "the server is stopping: no new invites; retry in 10 s");
            assertThat(server.get("/v1/sip/calls").json().get("calls")).as("no call").isEmpty();
            assertThat(bob.messages()).as("bob's phone rang").doesNotContain("INVITE");
        }
    }

    /** An H2 server's configuration with SIP on a free port (digest MD5), its data in a new temporary directory. */
    private static AtriumConfig config(String prefix) throws java.io.IOException {
        return TestServer.config(Db.H2, Files.createTempDirectory(prefix)).withSip(new AtriumConfig.Sip(true, "127.0.0.1",
                Ports.free(), "", "atrium", 60, 3600, 100, 10, 0, 0, List.of("MD5"), List.of()));
    }

    /** Users {@code name}, password {@code <name>-password}, with SIP extensions: pairs of name and extension. */
    private static void users(TestServer server, String... nameAndExtension) {
        for (int i = 0; i < nameAndExtension.length; i += 2) {
            String name = nameAndExtension[i];
            assertThat(server.post("/v1/users", "{\"user\":{\"username\":\"" + name + "\",\"password\":\"" + name
                    + "-password\",\"sip_extension\":\"" + nameAndExtension[i + 1] + "\"}}").status()).isEqualTo(201);
        }
    }
}
