package io.atrium.webrtc.rtp;

import java.util.HexFormat;

final class Hex {
    private Hex() {
    }

    /** Parses hex with optional whitespace. */
    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }
}
