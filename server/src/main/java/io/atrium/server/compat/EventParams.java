package io.atrium.server.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.atrium.server.edge.Json;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of a request to a contract facade, read the way the serverless functions the
 * contracts were written for read their {@code event}: query parameters, then a form body
 * ({@code application/x-www-form-urlencoded}), then a JSON object body, later ones winning. Scalar
 * JSON values become text ({@code true}, {@code 42}); JSON {@code null} and empty strings count as
 * missing. A body that is not a JSON object is ignored (its parameters are then missing).
 */
public final class EventParams {

    /** The one mapper, read as leniently as the serverless originals' JSON.parse: a repeated key's last value wins. */
    private static final ObjectReader JSON = Json.MAPPER.reader()
            .without(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final Map<String, String> values;

    private EventParams(Map<String, String> values) {
        this.values = values;
    }

    public static EventParams of(Context ctx) {
        Map<String, String> values = new HashMap<>();
        ctx.queryParamMap().forEach((k, v) -> first(v).ifPresent(x -> values.put(k, x)));
        String type = String.valueOf(ctx.contentType()).toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith("application/x-www-form-urlencoded")) {
            ctx.formParamMap().forEach((k, v) -> first(v).ifPresent(x -> values.put(k, x)));
        } else {
            String body = ctx.body();
            if (!body.isBlank()) {
                try {
                    JsonNode node = JSON.readTree(body);
                    if (node != null && node.isObject()) {
                        node.fields().forEachRemaining(f -> {
                            JsonNode v = f.getValue();
                            if (v.isValueNode() && !v.isNull()) {
                                values.put(f.getKey(), v.asText());
                            } else if (!v.isNull()) {
                                values.put(f.getKey(), v.toString());
                            }
                        });
                    }
                } catch (java.io.IOException e) {
                    // not JSON: no parameters from the body
                }
            }
        }
        values.values().removeIf(String::isEmpty);
        return new EventParams(values);
    }

    private static Optional<String> first(List<String> v) {
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The parameter, or empty when absent, null or the empty string. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** A boolean parameter: {@code true}/{@code false} (any case), {@code 1}/{@code 0}; anything else is empty. */
    public Optional<Boolean> bool(String name) {
        return get(name).map(v -> v.trim().toLowerCase(java.util.Locale.ROOT)).flatMap(v -> switch (v) {
            case "true", "1" -> Optional.of(true);
            case "false", "0" -> Optional.of(false);
            default -> Optional.empty();
        });
    }
}
