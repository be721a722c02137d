package io.atrium.webrtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and malformed datagrams fed to a server endpoint, before the client's first flight and after
 * the handshake. Not-DTLS datagrams (RFC 7983) and datagrams whose records are not well framed
 * ({@link DtlsRecordFilter}) are dropped and counted by the endpoint; well-framed but invalid records are
 * discarded by the record layer (RFC 6347 section 4.1.2.7). Two cases end the handshake,
 * cleanly: a ClientHello that cannot be decoded and a plaintext fatal alert in epoch 0. A forged epoch-0
 * record with sequence number 0 makes the server treat the real ClientHello as a replay, so the handshake
 * completes one retransmission (about 1 s) later.
 */
class DtlsGarbageTest {

    private static final DtlsSettings SETTINGS = DtlsSettings.defaults().withHandshakeTimeout(Duration.ofSeconds(2));
    private static final Duration WAIT = Duration.ofSeconds(5);

    enum Outcome { DROPPED_THEN_COMPLETES, IGNORED_THEN_COMPLETES, FAILS_CLEANLY }

    static Stream<Arguments> garbage() {
        Random random = new Random(7);
        byte[] noise = new byte[300];
        random.nextBytes(noise);
        noise[0] = 0x17;
        return Stream.of(
            Arguments.of("STUN-range first byte", "0001000c2112a442" + "00".repeat(24),
                Outcome.DROPPED_THEN_COMPLETES),
            Arguments.of("RTP-range first byte", "80" + "00".repeat(40), Outcome.DROPPED_THEN_COMPLETES),
            Arguments.of("shorter than a record header", "16fefd0000000000", Outcome.DROPPED_THEN_COMPLETES),
            Arguments.of("longer than the receive limit", "16" + "00".repeat(QueuedDatagramTransport.MAX_DATAGRAM_LENGTH),
                Outcome.DROPPED_THEN_COMPLETES),
            Arguments.of("random bytes after an application_data type byte", HexFormat.of().formatHex(noise),
                Outcome.DROPPED_THEN_COMPLETES),
            Arguments.of("record length larger than the datagram",
                "16fefd" + "0000" + "000000000000" + "01f4" + "00".repeat(20), Outcome.DROPPED_THEN_COMPLETES),
            Arguments.of("record length smaller than the datagram, trailing junk",
                "16fefd" + "0000" + "000000000000" + "0002" + "0102" + "ff".repeat(7), Outcome.DROPPED_THEN_COMPLETES),
            Arguments.of("TLS 1.2 version instead of DTLS",
                "160303" + "0000" + "000000000000" + "0004" + "01020304", Outcome.DROPPED_THEN_COMPLETES),
            Arguments.of("unknown content type 30", "1efefd" + "0000" + "000000000000" + "0002" + "0102",
                Outcome.DROPPED_THEN_COMPLETES),
            Arguments.of("record for epoch 5", "17fefd" + "0005" + "000000000001" + "0010" + "ab".repeat(16),
                Outcome.DROPPED_THEN_COMPLETES),
            Arguments.of("plaintext application_data in epoch 0",
                "17fefd" + "0000" + "000000000000" + "0003" + "616263", Outcome.IGNORED_THEN_COMPLETES),
            Arguments.of("empty handshake record", "16fefd" + "0000" + "000000000000" + "0000",
                Outcome.DROPPED_THEN_COMPLETES),
            Arguments.of("handshake fragment whose length exceeds the record",
                "16fefd" + "0000" + "000000000000" + "000c"
                    + "01" + "000100" + "0000" + "000000" + "0000ff", Outcome.IGNORED_THEN_COMPLETES),
            Arguments.of("ClientHello with a garbage body",
                "16fefd" + "0000" + "000000000000" + "0014"
                    + "01" + "000008" + "0000" + "000000" + "000008" + "deadbeefdeadbeef", Outcome.FAILS_CLEANLY),
            Arguments.of("unauthenticated fatal alert in epoch 0",
                "15fefd" + "0000" + "000000000000" + "0002" + "0228", Outcome.FAILS_CLEANLY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void serverSurvivesOrFailsCleanly(String name, String datagramHex, Outcome expected) throws Exception {
        byte[] datagram = HexFormat.of().parseHex(datagramHex);
        try (MemoryLink link = new MemoryLink(SETTINGS)) {
            CompletableFuture<SrtpKeyingMaterial> server = link.server.start(link.handshakes);
            boolean accepted = link.server.receive(datagram, 0, datagram.length);
            assertThat(accepted).isEqualTo(expected != Outcome.DROPPED_THEN_COMPLETES);
            assertThat(link.server.droppedDatagrams()).isEqualTo(accepted ? 0 : 1);
            Thread.sleep(50);
            CompletableFuture<SrtpKeyingMaterial> client = link.client.start(link.handshakes);

            if (expected == Outcome.FAILS_CLEANLY) {
                assertThat(DtlsEndpointTest.failure(server, WAIT)).isInstanceOf(DtlsException.class);
                assertThat(link.server.state()).isEqualTo(DtlsEndpoint.State.FAILED);
                assertThat(DtlsEndpointTest.failure(client, WAIT)).isInstanceOf(DtlsException.class);
            } else {
                SrtpKeyingMaterial serverKeys = server.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                SrtpKeyingMaterial clientKeys = client.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(serverKeys.material()).isEqualTo(clientKeys.material());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void garbageAfterTheHandshakeIsDroppedWithoutClosing(String name, String datagramHex, Outcome ignored)
            throws Exception {
        byte[] datagram = HexFormat.of().parseHex(datagramHex);
        try (MemoryLink link = new MemoryLink(SETTINGS)) {
            CompletableFuture<SrtpKeyingMaterial> server = link.server.start(link.handshakes);
            link.client.start(link.handshakes).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            server.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            link.server.receive(datagram, 0, datagram.length);

            byte[] ping = {42};
            assertThat(link.client.send(ping, 0, 1)).isTrue();
            assertThat(link.serverEvents.data.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ping);
            assertThat(link.server.state()).isEqualTo(DtlsEndpoint.State.CONNECTED);
        }
    }
}
