package io.atrium.webrtc.sdp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One media section: an {@code m=} line and the lines up to the next {@code m=} (RFC 8866 §5.14), with
 * typed accessors for the attributes WebRTC uses (RFC 8829 §5.8 lists them).
 *
 * <pre>
 *  m=video 9 UDP/TLS/RTP/SAVPF 96 97        {@link #mediaLine()}
 *  c=IN IP4 0.0.0.0                         {@link #connection()}
 *  a=mid:1                                  {@link #mid()}
 *  a=sendonly                               {@link #direction()}
 *  a=rtpmap:96 VP8/90000                    {@link #codecs()}
 *  a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid    {@link #extmaps()}
 *  a=rid:h send / a=simulcast:send h;f      {@link #rids()}, {@link #simulcast()}
 *  a=x-unknown:kept                         {@link #lines()} (written back unchanged)
 * </pre>
 *
 * Values given only at session level (ICE credentials, fingerprint, setup, direction) are resolved by
 * {@link SessionDescription}. Instances are immutable; {@link #lines()} is the source of truth and
 * every typed value is derived from it when the section is created.
 */
public final class MediaDescription {

    private final MediaLine mediaLine;
    private final List<SdpLine> lines;
    private final SectionReader r;
    private final List<Codec> codecs;

    MediaDescription(MediaLine mediaLine, List<SdpLine> lines, int firstLineNumber) {
        this.mediaLine = mediaLine;
        this.lines = List.copyOf(lines);
        this.r = SectionReader.read(this.lines, firstLineNumber, true);
        this.codecs = Codec.assemble(mediaLine, r.rtpmaps, r.fmtps, r.feedback);
    }

    /** Starts a media section with the given {@code m=} line. */
    public static Builder builder(MediaLine mediaLine) {
        return new Builder(mediaLine);
    }

    /** The {@code m=} line. */
    public MediaLine mediaLine() {
        return mediaLine;
    }

    /** The media type, e.g. {@code audio}. */
    public String media() {
        return mediaLine.media();
    }

    /** Every line after the {@code m=} line, in order, including unknown ones. */
    public List<SdpLine> lines() {
        return lines;
    }

    /** Every attribute of this section in order, including unknown ones. */
    public List<Attribute> attributes() {
        return List.copyOf(r.attributes);
    }

    /** The first attribute named {@code name}, if present. */
    public Optional<Attribute> attribute(String name) {
        for (Attribute a : r.attributes) {
            if (a.name().equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** True when the port is 0 without {@code a=bundle-only}: the section is rejected or disabled (RFC 3264 §6). */
    public boolean isRejected() {
        return mediaLine.port() == 0 && !r.bundleOnly;
    }

    /** {@code a=bundle-only} (RFC 9143 §6). */
    public boolean isBundleOnly() {
        return r.bundleOnly;
    }

    /** {@code c=} of this section. */
    public Optional<ConnectionData> connection() {
        return Optional.ofNullable(r.connection);
    }

    /** {@code a=mid} (RFC 9143 §7.1 / RFC 5888 §4). */
    public Optional<String> mid() {
        return Optional.ofNullable(r.mid);
    }

    int midLineNumber() {
        return r.midLineNumber;
    }

    /** The direction attribute written in this section, if any (see {@link SessionDescription#direction}). */
    public Optional<Direction> direction() {
        return Optional.ofNullable(r.direction);
    }

    /** {@code a=ice-ufrag} of this section. */
    public Optional<String> iceUfrag() {
        return Optional.ofNullable(r.iceUfrag);
    }

    /** {@code a=ice-pwd} of this section. */
    public Optional<String> icePwd() {
        return Optional.ofNullable(r.icePwd);
    }

    /** {@code a=ice-options} tokens of this section. */
    public List<String> iceOptions() {
        return r.iceOptions;
    }

    /** {@code a=fingerprint} lines of this section. */
    public List<Fingerprint> fingerprints() {
        return List.copyOf(r.fingerprints);
    }

    /** {@code a=setup} of this section. */
    public Optional<Setup> setup() {
        return Optional.ofNullable(r.setup);
    }

    /** {@code a=rtcp-mux} (RFC 5761 §5.1.3). */
    public boolean rtcpMux() {
        return r.rtcpMux;
    }

    /** {@code a=rtcp-rsize} (RFC 5506 §5). */
    public boolean rtcpRsize() {
        return r.rtcpRsize;
    }

    /** The codecs in {@code m=} line order (the offerer's preference). */
    public List<Codec> codecs() {
        return codecs;
    }

    /** The codec with payload type {@code pt}, if listed. */
    public Optional<Codec> codec(int pt) {
        for (Codec c : codecs) {
            if (c.payloadType() == pt) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** {@code a=rtcp-fb} lines in order, including ones for {@code *} and unknown payload types. */
    public List<RtcpFeedback> rtcpFeedback() {
        return List.copyOf(r.feedback);
    }

    /** {@code a=extmap} lines in order (RFC 8285 §8). */
    public List<Extmap> extmaps() {
        return List.copyOf(r.extmaps);
    }

    /** The extmap id of {@code uri}, if negotiated here. */
    public OptionalInt extmapId(String uri) {
        for (Extmap e : r.extmaps) {
            if (e.uri().equals(uri)) {
                return OptionalInt.of(e.id());
            }
        }
        return OptionalInt.empty();
    }

    /** The extension URI mapped to {@code id}, if any. */
    public Optional<String> extmapUri(int id) {
        for (Extmap e : r.extmaps) {
            if (e.id() == id) {
                return Optional.of(e.uri());
            }
        }
        return Optional.empty();
    }

    /** {@code a=extmap-allow-mixed} at media level (RFC 8285 §6). */
    public boolean extmapAllowMixed() {
        return r.extmapAllowMixed;
    }

    /** {@code a=msid} lines (RFC 8830 §2). */
    public List<Msid> msids() {
        return List.copyOf(r.msids);
    }

    /** {@code a=ssrc} lines in order (RFC 5576 §4.1). */
    public List<SsrcAttribute> ssrcAttributes() {
        return List.copyOf(r.ssrcAttributes);
    }

    /**
     * The SSRCs described by {@code a=ssrc}, each with its cname and msid (absent when not written or not
     * valid RFC 8830 syntax), in order of first appearance.
     */
    public List<SsrcDescription> ssrcs() {
        Map<Long, String> cnames = new LinkedHashMap<>();
        Map<Long, Msid> msids = new LinkedHashMap<>();
        for (SsrcAttribute a : r.ssrcAttributes) {
            cnames.putIfAbsent(a.ssrc(), null);
            if (a.name().equals("cname") && a.value() != null && cnames.get(a.ssrc()) == null) {
                cnames.put(a.ssrc(), a.value().strip());
            }
            if (a.name().equals("msid") && a.value() != null && !msids.containsKey(a.ssrc())) {
                try {
                    msids.put(a.ssrc(), Msid.parse(a.value()));
                } catch (SdpException legacy) {
                    // a legacy or malformed msid value: the SSRC is described without one
                }
            }
        }
        List<SsrcDescription> out = new ArrayList<>(cnames.size());
        for (Map.Entry<Long, String> e : cnames.entrySet()) {
            out.add(new SsrcDescription(e.getKey(), Optional.ofNullable(e.getValue()),
                    Optional.ofNullable(msids.get(e.getKey()))));
        }
        return List.copyOf(out);
    }

    /** {@code a=ssrc-group} lines (RFC 5576 §4.2). */
    public List<SsrcGroup> ssrcGroups() {
        return List.copyOf(r.ssrcGroups);
    }

    /** {@code a=rid} lines (RFC 8851 §4). */
    public List<Rid> rids() {
        return List.copyOf(r.rids);
    }

    /** {@code a=simulcast} (RFC 8853 §5.1). */
    public Optional<Simulcast> simulcast() {
        return Optional.ofNullable(r.simulcast);
    }

    /** {@code a=candidate} lines (RFC 8839 §5.1). */
    public List<Candidate> candidates() {
        return List.copyOf(r.candidates);
    }

    /** {@code a=end-of-candidates} (RFC 8840 §8.2). */
    public boolean endOfCandidates() {
        return r.endOfCandidates;
    }

    /** {@code a=sctp-port} (RFC 8841 §5). */
    public OptionalInt sctpPort() {
        return r.sctpPort < 0 ? OptionalInt.empty() : OptionalInt.of(r.sctpPort);
    }

    /** {@code a=max-message-size} (RFC 8841 §6). */
    public OptionalLong maxMessageSize() {
        return r.maxMessageSize < 0 ? OptionalLong.empty() : OptionalLong.of(r.maxMessageSize);
    }

    /** Legacy {@code a=sctpmap}. */
    public Optional<SctpMap> sctpMap() {
        return Optional.ofNullable(r.sctpMap);
    }

    /** Appends this section, CRLF-terminated, to {@code out}. */
    void writeTo(StringBuilder out) {
        out.append(mediaLine.toLine()).append("\r\n");
        for (SdpLine l : lines) {
            out.append(l).append("\r\n");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MediaDescription m && m.mediaLine.equals(mediaLine) && m.lines.equals(lines);
    }

    @Override
    public int hashCode() {
        return mediaLine.hashCode() * 31 + lines.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        writeTo(sb);
        return sb.toString();
    }

    /**
     * One SSRC of a media section (RFC 5576 §4.1) with its {@code cname} and {@code msid} source attributes.
     *
     * @param ssrc  the SSRC
     * @param cname the RTCP CNAME, if given
     * @param msid  the msid source attribute, if given
     */
    public record SsrcDescription(long ssrc, Optional<String> cname, Optional<Msid> msid) {
    }

    /** Collects the lines of a media section built in code; {@link #build()} validates them like parsed text. */
    public static final class Builder {
        private final MediaLine mediaLine;
        private final List<SdpLine> lines = new ArrayList<>();

        private Builder(MediaLine mediaLine) {
            this.mediaLine = mediaLine;
        }

        /** Adds a line. */
        public Builder add(SdpLine line) {
            lines.add(line);
            return this;
        }

        /** Adds a typed attribute. */
        public Builder add(SdpAttribute attribute) {
            return add(attribute.toLine());
        }

        /** Adds {@code a=name:value}, or the property {@code a=name} when value is null. */
        public Builder attribute(String name, String value) {
            return add(new Attribute(name, value).toLine());
        }

        /** Adds a property attribute {@code a=name}. */
        public Builder flag(String name) {
            return attribute(name, null);
        }

        /** Builds and validates the section. */
        public MediaDescription build() {
            return new MediaDescription(mediaLine, lines, 0);
        }
    }
}
