package io.atrium.server.api;

import io.atrium.server.edge.ApiException;
import io.atrium.server.edge.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * A request body read as a JSON tree and taken apart field by field. Every failure is an
 * {@link ApiException} (400) that names the field by its JSON path, e.g. {@code room.members[1].user_id}.
 * Unknown fields are refused, so a misspelt key is reported instead of silently ignored.
 */
public final class JsonInput {

    private final ObjectNode node;
    private final String path;

    private JsonInput(ObjectNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** Parses a whole request body, which must be one JSON object. */
    public static JsonInput parse(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("invalid_json", "request body is empty; send a JSON object");
        }
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid_json", "request body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() : ""));
        }
        if (!(tree instanceof ObjectNode object)) {
            throw ApiException.badRequest("invalid_json", "request body must be a JSON object");
        }
        return new JsonInput(object, "");
    }

    /** Refuses any field not in {@code allowed}. */
    public JsonInput only(String... allowed) {
        Set<String> ok = Set.of(allowed);
        node.fieldNames().forEachRemaining(name -> {
            if (!ok.contains(name)) {
                throw ApiException.badField(child(name), "unknown field " + child(name));
            }
        });
        return this;
    }

    public JsonInput object(String name) {
        return optionalObject(name).orElseThrow(() -> ApiException.badField(child(name), child(name) + " is required"));
    }

    public Optional<JsonInput> optionalObject(String name) {
        return value(name).map(v -> {
            if (!(v instanceof ObjectNode o)) {
                throw ApiException.badField(child(name), child(name) + " must be an object");
            }
            return new JsonInput(o, child(name));
        });
    }

    public String string(String name, int maxLength) {
        return optionalString(name, maxLength).orElseThrow(() -> ApiException.badField(child(name), child(name) + " is required"));
    }

    /** A string field; blank strings count as missing only for required fields via {@link #string}. */
    public Optional<String> optionalString(String name, int maxLength) {
        return value(name).map(v -> {
            if (!v.isTextual()) {
                throw ApiException.badField(child(name), child(name) + " must be a string");
            }
            String s = v.textValue();
            if (s.isBlank()) {
                throw ApiException.badField(child(name), child(name) + " must not be empty");
            }
            if (s.length() > maxLength) {
                throw ApiException.badField(child(name), child(name) + " is longer than " + maxLength + " characters");
            }
            return s;
        });
    }

    public boolean bool(String name, boolean fallback) {
        return value(name).map(v -> {
            if (!v.isBoolean()) {
                throw ApiException.badField(child(name), child(name) + " must be true or false");
            }
            return v.booleanValue();
        }).orElse(fallback);
    }

    public Optional<Long> optionalLong(String name, long min, long max) {
        return value(name).map(v -> {
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
                throw ApiException.badField(child(name), child(name) + " must be an integer from " + min + " to " + max);
            }
            return v.longValue();
        });
    }

    public Optional<UUID> optionalUuid(String name) {
        return value(name).map(v -> uuid(v, child(name)));
    }

    public UUID uuid(String name) {
        return optionalUuid(name).orElseThrow(() -> ApiException.badField(child(name), child(name) + " is required"));
    }

    /** Maps each element of an array field; {@code element} receives the element and its path. */
    public <T> Optional<List<T>> optionalArray(String name, int maxSize, BiFunction<JsonNode, String, T> element) {
        return value(name).map(v -> {
            if (!v.isArray()) {
                throw ApiException.badField(child(name), child(name) + " must be an array");
            }
            if (v.size() > maxSize) {
                throw ApiException.badField(child(name), child(name) + " has more than " + maxSize + " elements");
            }
            List<T> out = new ArrayList<>(v.size());
            for (int i = 0; i < v.size(); i++) {
                out.add(element.apply(v.get(i), child(name) + "[" + i + "]"));
            }
            return out;
        });
    }

    /** Wraps an array element that must be an object. */
    public static JsonInput element(JsonNode v, String path) {
        if (!(v instanceof ObjectNode o)) {
            throw ApiException.badField(path, path + " must be an object");
        }
        return new JsonInput(o, path);
    }

    /** True when the field is present with JSON {@code null}. */
    public boolean isNull(String name) {
        JsonNode v = node.get(name);
        return v != null && v.isNull();
    }

    public boolean has(String name) {
        return node.has(name);
    }

    static UUID uuid(JsonNode v, String path) {
        if (v.isTextual()) {
            try {
                String s = v.textValue();
                UUID id = UUID.fromString(s);
                if (id.toString().equalsIgnoreCase(s)) {
                    return id;
                }
            } catch (IllegalArgumentException ignored) {
                // reported below
            }
        }
        throw ApiException.badField(path, path + " must be a UUID such as 02ba016d-b3c2-47d2-a0e2-e814f9daa822");
    }

    private Optional<JsonNode> value(String name) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
    }

    private String child(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
