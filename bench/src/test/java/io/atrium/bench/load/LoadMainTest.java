package io.atrium.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** No server is always measured first: the order of the servers turns round from one scenario to the next. */
class LoadMainTest {

    @Test
    void serversTakeTurnsBeingMeasuredFirst() {
        List<String> servers = List.of("atrium", "janus", "baseline");
        assertThat(LoadMain.order(servers, 0)).containsExactly("atrium", "janus", "baseline");
        assertThat(LoadMain.order(servers, 1)).containsExactly("baseline", "janus", "atrium");
        assertThat(LoadMain.order(servers, 2)).containsExactly("atrium", "janus", "baseline");
        assertThat(LoadMain.order(List.of("atrium"), 1)).containsExactly("atrium");
        assertThat(servers).as("the caller's list is left as it was").containsExactly("atrium", "janus", "baseline");
    }

    @Test
    void everyWindowIsARowOfItsScenarioInTheOrderTheyRun() {
        Scenario a = Scenario.parse("1x50", 500);
        Scenario b = Scenario.parse("10x10", 500);
        assertThat(LoadMain.rows(List.of(a, b), 1)).containsExactly(a, b);
        assertThat(LoadMain.rows(List.of(a, b, a), 3)).containsExactly(a, a, a, b, b, b, a, a, a);
    }
}
