package io.atrium.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** A sine tone as a WAV file: what a Chromium given {@code --use-file-for-fake-audio-capture} speaks (it loops it). */
public final class ToneWav {

    private ToneWav() {
    }

    /** 10 s of a sine at {@code frequency}, 48 kHz mono 16-bit PCM, written to {@code file}; returns it. */
    public static Path write(Path file, double frequency) {
        int rate = 48_000;
        int samples = rate * 10;
        ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(samples * 2);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (12000 * Math.sin(2 * Math.PI * frequency * i / rate)));
        }
        try {
            Files.write(file, b.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
