package io.atrium.webrtc.dtls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seeded fuzzing of an established endpoint's {@link DtlsEndpoint#receive} (RFC 6347 section 4.1.2.7).
 * Two genuine records of the peer are captured on the way and never delivered: an application_data
 * record and, at the end, the peer's close_notify. Thousands of mutations of each, plus random datagrams
 * whose first byte is in the RFC 7983 DTLS range and random well-framed records, go to the victim; none
 * may throw out of {@code receive}, deliver data or end the association. Then the genuine application
 * data record is still accepted exactly once and the genuine close_notify still closes.
 */
class DtlsRecordFuzzTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long SEED = 0x5EED_D715L;
    private static final int ITERATIONS = 4000;
    private static final int MAX_RANDOM_DATAGRAM = 300;
    private static final byte[] SECRET = "captured on the way".getBytes(UTF_8);

    @ParameterizedTest
    @EnumSource(DtlsRole.class)
    void mutatedAndRandomDatagramsNeverEscapeReceiveOrEndTheAssociation(DtlsRole victimRole) throws Exception {
        try (MemoryLink link = new MemoryLink(DtlsSettings.defaults()).connect(WAIT)) {
            DtlsRole peerRole = victimRole == DtlsRole.SERVER ? DtlsRole.CLIENT : DtlsRole.SERVER;
            DtlsEndpoint victim = link.endpoint(victimRole);
            DtlsEndpoint peer = link.endpoint(peerRole);
            RecordingListener events = link.events(victimRole);
            Random random = new Random(SEED + victimRole.ordinal());
            pingPong(link, victimRole);

            byte[] applicationData = capture(link, peerRole, 23, () -> peer.send(SECRET, 0, SECRET.length));
            int accepted = fuzz(victim, events, applicationData, random);
            assertThat(accepted).as("datagrams that reached the record layer").isGreaterThan(ITERATIONS / 5);

            assertThat(victim.receive(applicationData, 0, applicationData.length)).isTrue();
            assertThat(events.data.poll()).as("the genuine record after the fuzzing").isEqualTo(SECRET);
            victim.receive(applicationData, 0, applicationData.length);
            assertThat(events.data.poll()).as("its replay").isNull();
            pingPong(link, victimRole);

            byte[] closeNotify = capture(link, peerRole, 21, peer::close);
            fuzz(victim, events, closeNotify, random);
            assertThat(victim.state()).isEqualTo(DtlsEndpoint.State.CONNECTED);

            victim.receive(closeNotify, 0, closeNotify.length);
            assertThat(events.closed.getNow(null)).isEqualTo(DtlsCloseReason.PEER_CLOSE_NOTIFY);
            assertThat(victim.state()).isEqualTo(DtlsEndpoint.State.CLOSED);
        }
    }

    /** Feeds {@link #ITERATIONS} forged datagrams; returns how many the endpoint passed to the record layer. */
    private static int fuzz(DtlsEndpoint victim, RecordingListener events, byte[] genuine, Random random) {
        int accepted = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] datagram = switch (random.nextInt(5)) {
                case 0, 1 -> mutate(genuine, random);
                case 2 -> concat(mutate(genuine, random), mutate(genuine, random));
                case 3 -> randomDtlsRange(random);
                default -> randomRecords(random);
            };
            if (Arrays.equals(datagram, genuine)) {
                continue;
            }
            try {
                if (victim.receive(datagram, 0, datagram.length)) {
                    accepted++;
                }
            } catch (Throwable t) {
                fail("receive threw at iteration " + i + " on " + HexFormat.of().formatHex(datagram), t);
            }
            if (victim.state() != DtlsEndpoint.State.CONNECTED || events.closeCalls != 0 || !events.data.isEmpty()) {
                fail("iteration " + i + " changed the association (state " + victim.state() + ", data "
                        + events.data.size() + ", closed " + events.closeCalls + ") with "
                        + HexFormat.of().formatHex(datagram));
            }
        }
        return accepted;
    }

    /** A copy of {@code genuine} with at least one byte changed, or a different length. */
    private static byte[] mutate(byte[] genuine, Random random) {
        byte[] out;
        do {
            out = mutateOnce(genuine, random);
        } while (Arrays.equals(out, genuine));
        return out;
    }

    private static byte[] mutateOnce(byte[] genuine, Random random) {
        byte[] out = genuine.clone();
        switch (random.nextInt(7)) {
            case 0 -> {
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    int bit = random.nextInt(out.length * 8);
                    out[bit / 8] ^= (byte) (1 << (bit % 8));
                }
            }
            case 1 -> {
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
            }
            case 2 -> out = Arrays.copyOf(out, random.nextInt(out.length));
            case 3 -> {
                int extra = 1 + random.nextInt(64);
                out = Arrays.copyOf(out, out.length + extra);
                for (int k = genuine.length; k < out.length; k++) {
                    out[k] = (byte) random.nextInt(256);
                }
                putLength(out, out.length - DtlsRecordFilter.RECORD_HEADER_LENGTH);
            }
            case 4 -> rewriteHeaderField(out, random);
            case 5 -> {
                int body = random.nextInt(96);
                out = Arrays.copyOf(out, DtlsRecordFilter.RECORD_HEADER_LENGTH + body);
                for (int k = DtlsRecordFilter.RECORD_HEADER_LENGTH; k < out.length; k++) {
                    out[k] = (byte) random.nextInt(256);
                }
                putLength(out, body);
            }
            default -> putLength(out, random.nextInt(out.length));
        }
        return out;
    }

    private static void rewriteHeaderField(byte[] record, Random random) {
        switch (random.nextInt(5)) {
            case 0 -> record[0] = (byte) (20 + random.nextInt(44));
            case 1 -> {
                int[] versions = {0xFEFD, 0xFEFF, 0xFEFC, 0x0303, random.nextInt(0x10000)};
                int version = versions[random.nextInt(versions.length)];
                record[1] = (byte) (version >>> 8);
                record[2] = (byte) version;
            }
            case 2 -> {
                int epoch = random.nextBoolean() ? random.nextInt(4) : random.nextInt(0x10000);
                record[3] = (byte) (epoch >>> 8);
                record[4] = (byte) epoch;
            }
            case 3 -> {
                for (int k = 5; k < 11; k++) {
                    record[k] = (byte) random.nextInt(256);
                }
            }
            default -> putLength(record, random.nextInt(0x10000));
        }
    }

    private static byte[] randomDtlsRange(Random random) {
        byte[] out = new byte[1 + random.nextInt(MAX_RANDOM_DATAGRAM)];
        random.nextBytes(out);
        out[0] = (byte) (DtlsEndpoint.MIN_DTLS_FIRST_BYTE
                + random.nextInt(DtlsEndpoint.MAX_DTLS_FIRST_BYTE - DtlsEndpoint.MIN_DTLS_FIRST_BYTE + 1));
        return out;
    }

    /** One to three records that pass {@link DtlsRecordFilter}, with random sequence numbers and bodies. */
    private static byte[] randomRecords(Random random) {
        byte[] out = new byte[0];
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            int epoch = random.nextInt(2);
            int body = epoch == 0 ? 1 + random.nextInt(60)
                    : DtlsRecordFilter.MIN_ENCRYPTED_FRAGMENT_LENGTH + random.nextInt(80);
            byte[] record = new byte[DtlsRecordFilter.RECORD_HEADER_LENGTH + body];
            random.nextBytes(record);
            record[0] = (byte) (20 + random.nextInt(4));
            record[1] = (byte) 0xFE;
            record[2] = (byte) (random.nextBoolean() ? 0xFD : 0xFF);
            record[3] = 0;
            record[4] = (byte) epoch;
            putLength(record, body);
            out = concat(out, record);
        }
        return out;
    }

    private static void putLength(byte[] record, int length) {
        record[11] = (byte) (length >>> 8);
        record[12] = (byte) length;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Runs {@code action} on the peer and keeps its first datagram of {@code contentType} from the victim. */
    private static byte[] capture(MemoryLink link, DtlsRole peerRole, int contentType, Runnable action) {
        AtomicReference<byte[]> captured = new AtomicReference<>();
        Predicate<byte[]> keep = datagram -> datagram[0] == contentType && captured.compareAndSet(null, datagram);
        setDrop(link, peerRole, keep);
        action.run();
        setDrop(link, peerRole, datagram -> false);
        assertThat(captured.get()).as("captured record of content type " + contentType).isNotNull();
        return captured.get();
    }

    private static void setDrop(MemoryLink link, DtlsRole from, Predicate<byte[]> drop) {
        if (from == DtlsRole.SERVER) {
            link.dropFromServer = drop;
        } else {
            link.dropFromClient = drop;
        }
    }

    /** Application data both ways; also proves both endpoints process datagrams synchronously (pumping). */
    private static void pingPong(MemoryLink link, DtlsRole victimRole) throws InterruptedException {
        DtlsRole peerRole = victimRole == DtlsRole.SERVER ? DtlsRole.CLIENT : DtlsRole.SERVER;
        byte[] ping = "ping".getBytes(UTF_8);
        byte[] pong = "pong".getBytes(UTF_8);
        assertThat(link.endpoint(peerRole).send(ping, 0, ping.length)).isTrue();
        assertThat(link.events(victimRole).data.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ping);
        assertThat(link.endpoint(victimRole).send(pong, 0, pong.length)).isTrue();
        assertThat(link.events(peerRole).data.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(pong);
    }
}
