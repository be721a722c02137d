package io.atrium.webrtc.dtls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forged datagrams fed to an established endpoint, client and server alike (RFC 6347 section 4.1.2.7:
 * invalid records are silently discarded). Each is either dropped by {@link DtlsRecordFilter} before the
 * record layer (counted in {@link DtlsEndpoint#droppedDatagrams()}) or passed on and discarded there
 * (bad AEAD tag, plaintext after the handshake). Either way the association stays up, application data
 * flows both ways afterwards, and the peer's genuine close_notify still closes it.
 */
class DtlsHostileRecordTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** What the endpoint does with the datagram. */
    enum Fate { DROPPED, DISCARDED_BY_RECORD_LAYER }

    static Stream<Arguments> hostile() {
        return Stream.of(
            row("epoch-1 application_data of 16 bytes, shorter than GCM nonce + tag",
                "17fefd" + "0001" + "000000000001" + "0010" + "ab".repeat(16), Fate.DROPPED),
            row("epoch-1 record one byte short of nonce + tag",
                "17fefd" + "0001" + "000000000101" + "0017" + "ab".repeat(23), Fate.DROPPED),
            row("epoch-1 plaintext-looking close_notify alert (2 bytes)",
                "15fefd" + "0001" + "000000000102" + "0002" + "0100", Fate.DROPPED),
            row("epoch-1 plaintext-looking fatal alert (2 bytes)",
                "15fefd" + "0001" + "000000000103" + "0002" + "0228", Fate.DROPPED),
            row("epoch-1 empty application_data", "17fefd" + "0001" + "000000000104" + "0000", Fate.DROPPED),
            row("epoch-1 handshake fragment of 8 bytes",
                "16fefd" + "0001" + "000000000105" + "0008" + "14000000000000ff", Fate.DROPPED),
            row("epoch-0 empty handshake record", "16fefd" + "0000" + "000000000106" + "0000", Fate.DROPPED),
            row("unknown content type 30", "1efefd" + "0001" + "000000000107" + "0020" + "ab".repeat(32),
                Fate.DROPPED),
            row("heartbeat content type 24 (never negotiated)",
                "18fefd" + "0001" + "000000000108" + "0020" + "ab".repeat(32), Fate.DROPPED),
            row("tls12_cid content type 25 (never negotiated)",
                "19fefd" + "0001" + "000000000109" + "0020" + "ab".repeat(32), Fate.DROPPED),
            row("first byte 63, top of the RFC 7983 DTLS range",
                "3ffefd" + "0001" + "00000000010a" + "0020" + "ab".repeat(32), Fate.DROPPED),
            row("TLS 1.2 version bytes", "170303" + "0001" + "00000000010b" + "0020" + "ab".repeat(32),
                Fate.DROPPED),
            row("DTLS 1.3 version bytes", "17fefc" + "0001" + "00000000010c" + "0020" + "ab".repeat(32),
                Fate.DROPPED),
            row("zero version bytes", "170000" + "0001" + "00000000010d" + "0020" + "ab".repeat(32), Fate.DROPPED),
            row("epoch 2", "17fefd" + "0002" + "00000000010e" + "0020" + "ab".repeat(32), Fate.DROPPED),
            row("epoch 65535", "17fefd" + "ffff" + "00000000010f" + "0020" + "ab".repeat(32), Fate.DROPPED),
            row("length one past the datagram end",
                "17fefd" + "0001" + "000000000110" + "0021" + "ab".repeat(32), Fate.DROPPED),
            row("length 65535 in a short datagram",
                "17fefd" + "0001" + "000000000111" + "ffff" + "ab".repeat(32), Fate.DROPPED),
            row("shorter than a record header", "17fefd0001000000000112", Fate.DROPPED),
            row("valid-looking record then 5 trailing bytes",
                "17fefd" + "0001" + "000000000113" + "0020" + "ab".repeat(32) + "0102030405", Fate.DROPPED),
            row("valid-looking record then a short epoch-1 record",
                "17fefd" + "0001" + "000000000114" + "0020" + "ab".repeat(32)
                    + "15fefd" + "0001" + "000000000115" + "0002" + "0100", Fate.DROPPED),
            row("short epoch-1 record then a valid-looking one",
                "15fefd" + "0001" + "000000000116" + "0002" + "0100"
                    + "17fefd" + "0001" + "000000000117" + "0020" + "ab".repeat(32), Fate.DROPPED),
            row("epoch-1 record of exactly nonce + tag with a bad tag",
                "17fefd" + "0001" + "000000000118" + "0018" + "ab".repeat(24), Fate.DISCARDED_BY_RECORD_LAYER),
            row("epoch-1 application_data with a bad tag",
                "17fefd" + "0001" + "000000000119" + "0040" + "cd".repeat(64), Fate.DISCARDED_BY_RECORD_LAYER),
            row("epoch-1 alert of close_notify size with a bad tag",
                "15fefd" + "0001" + "00000000011a" + "001a" + "ef".repeat(26), Fate.DISCARDED_BY_RECORD_LAYER),
            row("epoch-1 record with sequence number 2^48-1 and a bad tag",
                "17fefd" + "0001" + "ffffffffffff" + "0020" + "ab".repeat(32), Fate.DISCARDED_BY_RECORD_LAYER),
            row("two epoch-1 records with bad tags in one datagram",
                "17fefd" + "0001" + "00000000011b" + "0018" + "ab".repeat(24)
                    + "15fefd" + "0001" + "00000000011c" + "001a" + "ab".repeat(26),
                Fate.DISCARDED_BY_RECORD_LAYER),
            row("epoch-0 plaintext fatal alert after the handshake",
                "15fefd" + "0000" + "00000000011d" + "0002" + "0228", Fate.DISCARDED_BY_RECORD_LAYER),
            row("epoch-0 plaintext close_notify after the handshake",
                "15fefd" + "0000" + "00000000011e" + "0002" + "0100", Fate.DISCARDED_BY_RECORD_LAYER),
            row("epoch-0 change_cipher_spec after the handshake",
                "14fefd" + "0000" + "00000000011f" + "0001" + "01", Fate.DISCARDED_BY_RECORD_LAYER),
            row("epoch-0 plaintext application_data", "17fefd" + "0000" + "000000000120" + "0003" + "616263",
                Fate.DISCARDED_BY_RECORD_LAYER),
            row("epoch-0 ClientHello with a garbage body",
                "16feff" + "0000" + "000000000121" + "0014"
                    + "01" + "000008" + "0000" + "000000" + "000008" + "deadbeefdeadbeef",
                Fate.DISCARDED_BY_RECORD_LAYER),
            row("epoch-0 handshake fragment longer than its message",
                "16fefd" + "0000" + "000000000122" + "000c" + "01" + "000100" + "0000" + "000000" + "0000ff",
                Fate.DISCARDED_BY_RECORD_LAYER));
    }

    private static Arguments row(String name, String hex, Fate fate) {
        return Arguments.of(name, hex, fate);
    }

    /** Every hostile datagram, once against the server and once against the client. */
    static Stream<Arguments> cases() {
        return hostile().flatMap(row -> Stream.of(DtlsRole.values())
                .map(role -> Arguments.of(role, row.get()[0], row.get()[1], row.get()[2])));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void hostileDatagramIsDroppedAndTheAssociationSurvives(DtlsRole victimRole, String name, String hex, Fate fate)
            throws Exception {
        byte[] datagram = HexFormat.of().parseHex(hex);
        try (MemoryLink link = new MemoryLink(DtlsSettings.defaults()).connect(WAIT)) {
            DtlsEndpoint victim = link.endpoint(victimRole);
            DtlsEndpoint peer = link.endpoint(victimRole == DtlsRole.SERVER ? DtlsRole.CLIENT : DtlsRole.SERVER);
            RecordingListener victimEvents = link.events(victimRole);
            RecordingListener peerEvents = link.events(peer.role());
            long droppedBefore = victim.droppedDatagrams();

            boolean accepted = victim.receive(datagram, 0, datagram.length);

            assertThat(accepted).isEqualTo(fate == Fate.DISCARDED_BY_RECORD_LAYER);
            assertThat(victim.droppedDatagrams() - droppedBefore).isEqualTo(accepted ? 0 : 1);
            assertThat(victim.state()).isEqualTo(DtlsEndpoint.State.CONNECTED);

            byte[] toVictim = "to the victim".getBytes(UTF_8);
            assertThat(peer.send(toVictim, 0, toVictim.length)).isTrue();
            assertThat(victimEvents.data.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(toVictim);
            byte[] fromVictim = "from the victim".getBytes(UTF_8);
            assertThat(victim.send(fromVictim, 0, fromVictim.length)).isTrue();
            assertThat(peerEvents.data.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(fromVictim);
            assertThat(victimEvents.data).isEmpty();
            assertThat(victimEvents.closeCalls).isZero();
            assertThat(peerEvents.closeCalls).isZero();
            assertThat(victim.state()).isEqualTo(DtlsEndpoint.State.CONNECTED);
            assertThat(peer.state()).isEqualTo(DtlsEndpoint.State.CONNECTED);

            peer.close();
            assertThat(victimEvents.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo(DtlsCloseReason.PEER_CLOSE_NOTIFY);
            assertThat(victim.state()).isEqualTo(DtlsEndpoint.State.CLOSED);
        }
    }
}
