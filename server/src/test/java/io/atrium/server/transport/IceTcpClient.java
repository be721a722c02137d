package io.atrium.server.transport;

import io.atrium.server.testing.JavaPeer;
import io.atrium.webrtc.sdp.SessionDescription;
import io.atrium.webrtc.stun.StunMessage;
import io.atrium.webrtc.stun.StunWriter;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * A raw ICE-TCP client (RFC 6544, RFC 4571 framing) over a real TCP socket: what a browser's first frame is (a STUN
 * binding request with the peer's ufrag and password), or a stranger's (anything else, or nothing).
 */
final class IceTcpClient implements AutoCloseable {

    final Socket socket;

    private IceTcpClient(Socket socket) {
        this.socket = socket;
    }

    static IceTcpClient connect(int port) throws IOException {
        return new IceTcpClient(new Socket("127.0.0.1", port));
    }

    /** From {@code local} (any 127.x.y.z on Linux) to the media port on 127.0.0.1. */
    static IceTcpClient connect(int port, InetAddress local) throws IOException {
        return new IceTcpClient(new Socket(InetAddress.getLoopbackAddress(), port, local, 0));
    }

    /** The address Atrium sees this connection from. */
    InetSocketAddress address() {
        return new InetSocketAddress(socket.getLocalAddress(), socket.getLocalPort());
    }

    void frame(byte[] packet, int len) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(new byte[] {(byte) (len >> 8), (byte) len});
        out.write(packet, 0, len);
        out.flush();
    }

    /**
     * Sends the ICE check a browser sends first: a binding request as the controlling agent, for the server peer
     * whose answer is {@code answerSdp}, from {@code client} (whose offer made it), with the answer's password.
     */
    void bindingRequest(String answerSdp, JavaPeer client) throws IOException {
        SessionDescription answer = SessionDescription.parse(answerSdp);
        var ice = answer.iceCredentials(answer.media().get(0)).orElseThrow();
        bindingRequest(ice.ufrag() + ":" + client.peer().localCredentials().ufrag(), ice.pwd());
    }

    /** A binding request with {@code username} (server ufrag ':' client ufrag), signed with {@code password}. */
    void bindingRequest(String username, String password) throws IOException {
        byte[] tx = new byte[12];
        new SecureRandom().nextBytes(tx);
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[512];
        int n = new StunWriter().start(out, 0, StunMessage.BINDING_REQUEST, tx, 0)
                .addUsername(user, 0, user.length)
                .addPriority(1_845_501_695L)
                .addIceControlling(new SecureRandom().nextLong())
                .addMessageIntegrity(password.getBytes(StandardCharsets.UTF_8))
                .addFingerprint().length();
        frame(out, n);
    }

    /** The STUN message type of the next frame (e.g. {@link StunMessage#BINDING_SUCCESS_RESPONSE}), waiting up to {@code millis}. */
    int nextStunType(int millis) throws IOException {
        socket.setSoTimeout(millis);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] frame = new byte[in.readUnsignedShort()];
        in.readFully(frame);
        return ((frame[0] & 0xff) << 8) | (frame[1] & 0xff);
    }

    /** True when the server closed the connection (end of stream, or a reset), false when it is still open after {@code millis}. */
    boolean closedByServer(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            while (true) {
                if (socket.getInputStream().read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
