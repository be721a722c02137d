package io.atrium.server.sip.audio;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;

/**
 * Opus at 48 kHz mono through Concentus (pure Java): VoIP mode, 20 ms frames, a lost frame concealed
 * by the decoder's PLC. Decode errors give a silent frame (counted), never an exception.
 */
public final class OpusCodec implements AudioCodec {

    /** Largest Opus payload written per frame. */
    public static final int MAX_PAYLOAD = 400;

    private final OpusDecoder decoder;
    private final OpusEncoder encoder;
    private long errors;

    /** {@code bitrate} in bit/s, {@code complexity} 0–10 (CPU against quality). */
    public OpusCodec(int bitrate, int complexity) {
        try {
            decoder = new OpusDecoder(48000, 1);
            encoder = new OpusEncoder(48000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        } catch (OpusException e) {
            throw new IllegalStateException("Concentus cannot make a 48 kHz mono codec", e);
        }
        encoder.setBitrate(bitrate);
        encoder.setComplexity(complexity);
        encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
    }

    @Override
    public void decode(byte[] in, int off, int len, short[] pcm) {
        try {
            decoder.decode(len == 0 ? null : in, off, len, pcm, 0, FRAME, false);
        } catch (OpusException | RuntimeException e) {
            errors++;
            java.util.Arrays.fill(pcm, 0, FRAME, (short) 0);
        }
    }

    @Override
    public int encode(short[] pcm, byte[] out, int off) {
        try {
            return encoder.encode(pcm, 0, FRAME, out, off, MAX_PAYLOAD);
        } catch (OpusException e) {
            errors++;
            return 0;
        }
    }

    @Override
    public int timestampStep() {
        return FRAME;
    }

    /** Frames that failed to decode or encode. */
    public long errors() {
        return errors;
    }
}
