package io.atrium.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    /** The test vector of the Standard Webhooks reference libraries (secret, msg id, timestamp, payload → signature). */
    @Test
    void signsLikeTheStandardWebhooksReference() {
        WebhookSignature s = new WebhookSignature(Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        assertThat(s.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}"))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void backoffDoublesUpToTheCapWithAtMostTenPercentJitter() {
        AtriumConfig.Webhooks config = new AtriumConfig.Webhooks(List.of("http://127.0.0.1:9/"),
                "whsec_" + Base64.getEncoder().encodeToString(new byte[32]), null, null, 5, 60, null, null);
        WebhookDispatcher d = new WebhookDispatcher(null, config, java.time.Clock.systemUTC());
        try {
            long[][] table = {{1, 5_000}, {2, 10_000}, {3, 20_000}, {4, 40_000}, {5, 60_000}, {40, 60_000}};
            for (long[] row : table) {
                long got = d.backoffMillis((int) row[0]);
                assertThat(got).as("attempt %d", row[0]).isBetween(row[1], row[1] + row[1] / 10);
            }
        } finally {
            d.close();
        }
    }
}
