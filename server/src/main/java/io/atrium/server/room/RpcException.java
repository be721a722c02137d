package io.atrium.server.room;

/** A JSON-RPC error answered to a client: {@code {"code", "message"}} (see docs/PROTOCOL.md). */
public final class RpcException extends RuntimeException {

    private final int code;

    public RpcException(int code, String message) {
        super(message);
        this.code = code;
    }

    public int code() {
        return code;
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
