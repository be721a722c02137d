package io.atrium.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of the ICE-TCP framer ({@link Rfc4571#decoder}) as a connection feeds
 * it: a byte stream in reads of fuzzer-chosen sizes. Whatever arrives, the decoder never throws, emits
 * exactly the whole frames a straightforward reading of the 2-byte lengths finds (in order, same bytes),
 * holds back only the incomplete tail, and {@link Rfc4571#frame} of each frame gives the stream back.
 */
public class Rfc4571Fuzzer {

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        int readSize = data.consumeInt(1, 4096);
        byte[] stream = data.consumeRemainingAsBytes();
        EmbeddedChannel channel = new EmbeddedChannel(Rfc4571.decoder());
        List<byte[]> got = new ArrayList<>();
        for (int off = 0; off < stream.length; off += readSize) {
            channel.writeInbound(Unpooled.wrappedBuffer(stream, off, Math.min(readSize, stream.length - off)));
            for (ByteBuf frame; (frame = channel.readInbound()) != null; ) {
                byte[] bytes = new byte[frame.readableBytes()];
                frame.readBytes(bytes);
                frame.release();
                got.add(bytes);
            }
        }
        List<byte[]> expected = new ArrayList<>();
        int pos = 0;
        while (pos + 2 <= stream.length) {
            int len = (stream[pos] & 0xff) << 8 | stream[pos + 1] & 0xff;
            if (pos + 2 + len > stream.length) {
                break;
            }
            expected.add(Arrays.copyOfRange(stream, pos + 2, pos + 2 + len));
            pos += 2 + len;
        }
        assertThat(got).hasSameSizeAs(expected);
        ByteBuf again = Unpooled.buffer();
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).isEqualTo(expected.get(i));
            ByteBuf framed = Rfc4571.frame(Unpooled.buffer().alloc(), got.get(i), 0, got.get(i).length);
            again.writeBytes(framed);
            framed.release();
        }
        byte[] reframed = new byte[again.readableBytes()];
        again.readBytes(reframed);
        assertThat(reframed).isEqualTo(Arrays.copyOf(stream, pos));
        channel.finishAndReleaseAll();
    }
}
