package io.atrium.server.room;

/**
 * A JSON-RPC error answered to a client: {@code {"code", "message"}}, plus {@code data} when a facade's
 * command adds its own error details (see docs/PROTOCOL.md).
 */
public final class RpcException extends RuntimeException {

    private final int code;
    private final transient Object data;

    public RpcException(int code, String message) {
        this(code, message, null);
    }

    public RpcException(int code, String message, Object data) {
        super(message);
        this.code = code;
        this.data = data;
    }

    public int code() {
        return code;
    }

    /** The error's {@code data} member, or null. */
    public Object data() {
        return data;
    }

    public static RpcException invalid(String param) {
        return new RpcException(400, "invalid request: " + param);
    }

    static RpcException notInRoom() {
        return new RpcException(400, "not in a room");
    }

    static RpcException adminOnly() {
        return new RpcException(403, "admin only");
    }

    static RpcException noMember() {
        return new RpcException(400, "no member in request");
    }

    static RpcException noSuchMember() {
        return new RpcException(400, "no such member in the room");
    }
}
