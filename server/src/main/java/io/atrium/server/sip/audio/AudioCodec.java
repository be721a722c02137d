package io.atrium.server.sip.audio;

/**
 * One leg's codec state, decoding to and encoding from 20 ms of 48 kHz mono PCM ({@value #FRAME}
 * samples) — the engine's one internal format. Instances keep per-stream state (filters, Opus
 * predictors), so each leg has its own decoder and encoder. Caller-owned buffers, no allocation.
 */
public interface AudioCodec {

    int FRAME = 960;

    /** Decodes one payload into {@code pcm}; {@code len == 0} means the frame was lost (conceal it). */
    void decode(byte[] in, int off, int len, short[] pcm);

    /** Encodes one frame of {@code pcm} into {@code out} from {@code off}; returns the payload length. */
    int encode(short[] pcm, byte[] out, int off);

    /** RTP clock ticks per 20 ms frame (160 for G.711, 960 for Opus). */
    int timestampStep();
}
