package io.atrium.server.files;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A large multipart upload made on the fly, never held in memory: the form header, an MP4 whose
 * mdat is {@code mdatBytes} zero bytes, its moov (2 s), the closing boundary.
 */
final class GeneratedBody extends InputStream {

    private final byte[] head;
    private final long zeros;
    private final byte[] tail;
    private long position;

    GeneratedBody(long mdatBytes) {
        byte[] ftyp = Boxes.ftyp("isom", "isom", "mp41");
        byte[] mdatHeader = java.nio.ByteBuffer.allocate(16).putInt(1).put("mdat".getBytes(StandardCharsets.US_ASCII))
                .putLong(16 + mdatBytes).array();
        this.head = Boxes.concat(("--" + Form.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.mp4\"\r\n"
                + "Content-Type: video/mp4\r\n\r\n").getBytes(StandardCharsets.US_ASCII), ftyp, mdatHeader);
        this.zeros = mdatBytes;
        this.tail = Boxes.concat(Boxes.box("moov", Boxes.mvhd0(1000, 2000)),
                ("\r\n--" + Form.BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** The size of the MP4 file inside the form. */
    long fileSize() {
        return 24 + 16 + zeros + Boxes.box("moov", Boxes.mvhd0(1000, 2000)).length;
    }

    long length() {
        return head.length + zeros + tail.length;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (position >= length()) {
            return -1;
        }
        int n;
        if (position < head.length) {
            n = (int) Math.min(len, head.length - position);
            System.arraycopy(head, (int) position, b, off, n);
        } else if (position < head.length + zeros) {
            n = (int) Math.min(len, head.length + zeros - position);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
        } else {
            int at = (int) (position - head.length - zeros);
            n = Math.min(len, tail.length - at);
            System.arraycopy(tail, at, b, off, n);
        }
        position += n;
        return n;
    }
}
