package io.atrium.webrtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;

/**
 * Coverage-guided fuzzing (Jazzer) of an established endpoint's {@link DtlsEndpoint#receive} (RFC 6347
 * section 4.1.2.7: invalid records are discarded), which runs {@link DtlsRecordFilter} and then bctls. One
 * handshake per JVM connects a client and a server over {@link MemoryLink}; each input picks the victim and
 * is one datagram from an attacker who sees the traffic but has no keys. Nothing may throw out of
 * {@code receive}, deliver application data or end the association. {@code DtlsRecordFuzzTest} keeps the
 * check that genuine records are still accepted after such an attack.
 */
public class DtlsRecordFuzzer {
    private static MemoryLink link;

    private static synchronized MemoryLink link() throws Exception {
        if (link == null) {
            link = new MemoryLink(DtlsSettings.defaults()).connect(Duration.ofSeconds(30));
        }
        return link;
    }

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) throws Exception {
        DtlsRole role = data.consumeBoolean() ? DtlsRole.SERVER : DtlsRole.CLIENT;
        byte[] datagram = data.consumeRemainingAsBytes();
        DtlsEndpoint victim = link().endpoint(role);
        RecordingListener events = link().events(role);
        victim.receive(datagram, 0, datagram.length);
        assertThat(victim.state()).as("state after a forged datagram").isEqualTo(DtlsEndpoint.State.CONNECTED);
        assertThat(events.closeCalls).as("close calls").isZero();
        assertThat(events.data).as("application data delivered").isEmpty();
    }
}
