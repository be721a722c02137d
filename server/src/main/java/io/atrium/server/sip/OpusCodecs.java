package io.atrium.server.sip;

/** The Opus settings of the bridge's encoders (voice into the room, and decoders of room tracks). */
final class OpusCodecs {

    /** Bit/s of a phone's voice published into a room: wideband speech. */
    static final int BITRATE = 32_000;
    /** Encoder complexity 0-10: 5 keeps a bridged leg cheap (docs/PERFORMANCE.md) at good speech quality. */
    static final int COMPLEXITY = 5;

    private OpusCodecs() {
    }
}
