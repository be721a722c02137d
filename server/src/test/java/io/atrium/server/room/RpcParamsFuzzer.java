package io.atrium.server.room;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.edge.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of a JSON-RPC message's way in: the text parsed by the server's one
 * mapper as {@code RtcSocket} does, then its {@code params} read by {@link Params} with every accessor the
 * methods use (the names and bounds of docs/PROTOCOL.md's methods) and with each name the message itself
 * carries. Each read returns a value inside its bounds or throws {@code 400 invalid request: <name>};
 * nothing else escapes (RtcSocket answers a parse error for text that is not a JSON object).
 */
public class RpcParamsFuzzer {

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        int maxLength = data.consumeInt(1, 300);
        String text = data.consumeRemainingAsString();
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException refused) {
            return; // RtcSocket answers -32700 parse error
        }
        if (message == null || !message.isObject()) {
            return;
        }
        Params p;
        try {
            p = new Params(message.get("params"));
        } catch (RpcException e) {
            assertThat(e.code()).isEqualTo(400);
            assertThat(e.getMessage()).isEqualTo("invalid request: params");
            return;
        }
        List<String> names = new ArrayList<>(List.of("room", "auth_token", "sdp", "text", "members", "limit",
                "position", "audio_muted", "url", "action", "display_name", "call_id", "reaction", "member", "names"));
        JsonNode params = message.get("params");
        if (params != null && params.isObject()) {
            params.fieldNames().forEachRemaining(names::add);
        }
        for (String name : names) {
            read(name, () -> p.string(name, maxLength).ifPresent(s -> assertThat(s).hasSizeLessThanOrEqualTo(maxLength)));
            read(name, () -> p.string(name).ifPresent(s -> assertThat(s).hasSizeLessThanOrEqualTo(Params.MAX_STRING)));
            read(name, () -> assertThat(p.required(name, maxLength)).isNotBlank().hasSizeLessThanOrEqualTo(maxLength));
            read(name, () -> p.bool(name));
            read(name, () -> assertThat(p.integer(name, 1, 200, 50)).isBetween(1, 200));
            read(name, () -> assertThat(p.decimal(name, 0, 86_400, 1)).isBetween(0.0, 86_400.0));
            read(name, () -> assertThat(p.array(name).isArray() || p.array(name).isNull()).isTrue());
        }
    }

    private static void read(String name, Runnable accessor) {
        try {
            accessor.run();
        } catch (RpcException e) {
            assertThat(e.code()).isEqualTo(400);
            assertThat(e.getMessage()).isEqualTo("invalid request: " + name);
        }
    }
}
