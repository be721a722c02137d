package io.atrium.server.room;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table test of {@link ConnectionQuality#of}: the thresholds of docs/PROTOCOL.md, each side of each. */
class ConnectionQualityTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a clean connection                       | 0      | 20   | 2     | excellent
            RTT not known yet counts as none         | 0      | -1   | 0     | excellent
            loss just under 1 %                      | 0.0099 | 149  | 29.9  | excellent
            loss of 1 % is good                      | 0.01   | 20   | 2     | good
            RTT of 150 ms is good                    | 0      | 150  | 2     | good
            jitter of 30 ms is good                  | 0      | 20   | 30    | good
            high jitter alone never goes below good  | 0      | 20   | 500   | good
            loss just under 3 %                      | 0.0299 | 299  | 100   | good
            loss of 3 % is fair                      | 0.03   | 20   | 2     | fair
            RTT of 300 ms is fair                    | 0      | 300  | 2     | fair
            loss just under 8 %, RTT under 500 ms    | 0.0799 | 499  | 100   | fair
            loss of 8 % is poor                      | 0.08   | 20   | 2     | poor
            RTT of 500 ms is poor                    | 0      | 500  | 2     | poor
            everything lost                          | 1      | 20   | 2     | poor
            """)
    void table(String name, double loss, int rttMillis, double jitterMillis, String want) {
        assertThat(ConnectionQuality.of(loss, rttMillis, jitterMillis)).isEqualTo(want);
    }
}
