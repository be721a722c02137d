package io.atrium.server.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Optional;

/** The {@code params} of a JSON-RPC message, read field by field; a bad field is {@code 400 invalid request: <name>}. */
public final class Params {

    static final int MAX_STRING = 256;
    private final JsonNode node;

    public Params(JsonNode node) {
        this.node = node == null || node.isNull() || node.isMissingNode() ? NullNode.getInstance() : node;
        if (!this.node.isNull() && !this.node.isObject()) {
            throw RpcException.invalid("params");
        }
    }

    /** The params as sent (an object, or null when there were none), for a facade's own rules of reading. */
    public JsonNode json() {
        return node;
    }

    public Optional<String> string(String name, int maxLength) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || v.textValue().length() > maxLength) {
            throw RpcException.invalid(name);
        }
        return Optional.of(v.textValue());
    }

    public Optional<String> string(String name) {
        return string(name, MAX_STRING);
    }

    public String required(String name) {
        return string(name).filter(s -> !s.isBlank()).orElseThrow(() -> RpcException.invalid(name));
    }

    public String required(String name, int maxLength) {
        return string(name, maxLength).filter(s -> !s.isBlank()).orElseThrow(() -> RpcException.invalid(name));
    }

    public boolean bool(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw RpcException.invalid(name);
        }
        return v.booleanValue();
    }

    public int integer(String name, int min, int max, int fallback) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < min || v.intValue() > max) {
            throw RpcException.invalid(name);
        }
        return v.intValue();
    }

    public double decimal(String name, double min, double max, double fallback) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue()) || v.doubleValue() < min || v.doubleValue() > max) {
            throw RpcException.invalid(name);
        }
        return v.doubleValue();
    }

    public JsonNode array(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return NullNode.getInstance();
        }
        if (!v.isArray()) {
            throw RpcException.invalid(name);
        }
        return v;
    }
}
