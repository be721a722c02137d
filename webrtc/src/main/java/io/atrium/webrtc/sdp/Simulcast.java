package io.atrium.webrtc.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulcast attribute (RFC 8853 §5.1).
 *
 * <pre>
 *  a=simulcast:&lt;send|recv&gt; &lt;stream list&gt; [&lt;recv|send&gt; &lt;stream list&gt;]
 *  stream list = alternatives *(";" alternatives)     one simulcast stream per ';'
 *  alternatives = ["~"]rid-id *("," ["~"]rid-id)      '~' marks a paused stream
 *  a=simulcast:send q;h;f
 *  a=simulcast:send 1;2,3 recv 4
 * </pre>
 *
 * @param send simulcast streams to send, each a list of alternative rids; empty when absent
 * @param recv simulcast streams to receive, each a list of alternative rids; empty when absent
 */
public record Simulcast(List<List<Layer>> send, List<List<Layer>> recv) implements SdpAttribute {

    /**
     * One rid in a simulcast stream list.
     *
     * @param rid    the rid-id
     * @param paused true when written with the {@code ~} prefix
     */
    public record Layer(String rid, boolean paused) {
        /** Validates the rid. */
        public Layer {
            SdpText.ridId(rid, "simulcast rid");
        }

        @Override
        public String toString() {
            return paused ? "~" + rid : rid;
        }
    }

    /** Validates and copies the lists; at least one direction must be present. */
    public Simulcast {
        send = copy(send);
        recv = copy(recv);
        if (send.isEmpty() && recv.isEmpty()) {
            throw new SdpException("a=simulcast lists no stream");
        }
    }

    private static List<List<Layer>> copy(List<List<Layer>> streams) {
        List<List<Layer>> out = new ArrayList<>(streams.size());
        for (List<Layer> alternatives : streams) {
            if (alternatives.isEmpty()) {
                throw new SdpException("a=simulcast stream has no rid");
            }
            out.add(List.copyOf(alternatives));
        }
        return List.copyOf(out);
    }

    /** Parses the value of {@code a=simulcast}. */
    public static Simulcast parse(String value) {
        List<String> t = SdpText.split(value);
        if (t.size() != 2 && t.size() != 4) {
            throw new SdpException("a=simulcast needs '<send|recv> <streams> [<recv|send> <streams>]'");
        }
        RidDirection first = RidDirection.parse(t.get(0));
        List<List<Layer>> firstList = parseStreams(t.get(1));
        List<List<Layer>> secondList = List.of();
        if (t.size() == 4) {
            if (RidDirection.parse(t.get(2)) == first) {
                throw new SdpException("a=simulcast repeats direction " + first.sdpName());
            }
            secondList = parseStreams(t.get(3));
        }
        return first == RidDirection.SEND ? new Simulcast(firstList, secondList) : new Simulcast(secondList, firstList);
    }

    private static List<List<Layer>> parseStreams(String s) {
        List<List<Layer>> streams = new ArrayList<>();
        for (String alt : SdpText.split(s, ';')) {
            List<Layer> alternatives = new ArrayList<>();
            for (String id : SdpText.split(alt, ',')) {
                boolean paused = id.startsWith("~");
                alternatives.add(new Layer(paused ? id.substring(1) : id, paused));
            }
            streams.add(alternatives);
        }
        return streams;
    }

    /** Returns the streams in one direction. */
    public List<List<Layer>> streams(RidDirection direction) {
        return direction == RidDirection.SEND ? send : recv;
    }

    /** Returns every rid named in one direction, in order. */
    public List<String> rids(RidDirection direction) {
        List<String> out = new ArrayList<>();
        for (List<Layer> alternatives : streams(direction)) {
            for (Layer l : alternatives) {
                out.add(l.rid());
            }
        }
        return out;
    }

    @Override
    public String attributeName() {
        return "simulcast";
    }

    @Override
    public String attributeValue() {
        StringBuilder sb = new StringBuilder();
        if (!send.isEmpty()) {
            sb.append("send ").append(format(send));
        }
        if (!recv.isEmpty()) {
            sb.append(sb.length() > 0 ? " " : "").append("recv ").append(format(recv));
        }
        return sb.toString();
    }

    private static String format(List<List<Layer>> streams) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < streams.size(); i++) {
            if (i > 0) {
                sb.append(';');
            }
            List<Layer> alternatives = streams.get(i);
            for (int j = 0; j < alternatives.size(); j++) {
                sb.append(j > 0 ? "," : "").append(alternatives.get(j));
            }
        }
        return sb.toString();
    }
}
