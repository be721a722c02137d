package io.atrium.webrtc.sdp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A whole SDP (RFC 8866 §5) as used by WebRTC (JSEP, RFC 8829): the session section and the media
 * sections, parsed from untrusted text within {@link SdpLimits} and written back with CRLF endings.
 *
 * <pre>
 *  v=0                                        session section: {@link #lines()}
 *  o=- 4611731400430051336 2 IN IP4 127.0.0.1 {@link #origin()}
 *  s=-                                        {@link #sessionName()}
 *  t=0 0
 *  a=group:BUNDLE 0 1                         {@link #groups()}, {@link #bundleMids()}
 *  a=msid-semantic: WMS *                     {@link #msidSemantic()}
 *  a=ice-lite                                 {@link #iceLite()}
 *  m=audio 9 UDP/TLS/RTP/SAVPF 111            media sections: {@link #media()}
 *  ...
 * </pre>
 *
 * Every line, known or not, is kept in order, so {@code parse(text).write()} reproduces {@code text}
 * with CRLF line endings (the {@code m=} line is rewritten with single spaces). Attributes that may
 * appear at session or media level (ICE credentials, fingerprint, setup, direction) are resolved per
 * media section by {@link #iceCredentials}, {@link #fingerprints}, {@link #setup} and {@link #direction}.
 */
public final class SessionDescription {

    private final List<SdpLine> lines;
    private final List<MediaDescription> media;
    private final SectionReader r;

    SessionDescription(List<SdpLine> lines, List<MediaDescription> media, int firstLineNumber) {
        this.lines = List.copyOf(lines);
        this.media = List.copyOf(media);
        if (this.media.size() > SdpLimits.MAX_MEDIA_SECTIONS) {
            throw new SdpException("more than " + SdpLimits.MAX_MEDIA_SECTIONS + " media sections");
        }
        this.r = SectionReader.read(this.lines, firstLineNumber, false);
        if (this.lines.isEmpty() || this.lines.get(0).type() != 'v') {
            throw new SdpException("SDP must start with v=0");
        }
        if (r.origin == null) {
            throw new SdpException("SDP has no o= line");
        }
        if (r.sessionName == null) {
            throw new SdpException("SDP has no s= line");
        }
        if (r.timingLines == 0) {
            throw new SdpException("SDP has no t= line");
        }
        checkMids();
    }

    /** Mids must be unique (RFC 5888 §4) and every group must name existing mids (RFC 5888 §5). */
    private void checkMids() {
        Map<String, Integer> seen = new HashMap<>();
        for (MediaDescription m : media) {
            String mid = m.mid().orElse(null);
            if (mid != null && seen.putIfAbsent(mid, m.midLineNumber()) != null) {
                throw new SdpException("duplicate a=mid:" + mid + " in two media sections")
                        .at(m.midLineNumber(), "a=mid:" + mid);
            }
        }
        for (int i = 0; i < r.groups.size(); i++) {
            Group g = r.groups.get(i);
            for (String mid : g.mids()) {
                if (!seen.containsKey(mid)) {
                    throw new SdpException("a=group:" + g.semantics() + " names mid '" + mid
                            + "' that no media section has").at(r.groupLineNumbers.get(i), g.toLine().toString());
                }
            }
        }
    }

    /**
     * Parses SDP text. Lines may end in CRLF or LF; trailing empty lines are ignored.
     *
     * @throws SdpException for anything malformed or beyond {@link SdpLimits}, naming the line
     */
    public static SessionDescription parse(String text) {
        return SdpParser.parse(text);
    }

    /** Starts a session description with {@code v=0}, the given origin, {@code s=-} and {@code t=0 0}. */
    public static Builder builder(Origin origin) {
        return new Builder(origin);
    }

    /** Returns the SDP text with CRLF line endings. */
    public String write() {
        StringBuilder sb = new StringBuilder(1024 + media.size() * 1024);
        for (SdpLine l : lines) {
            sb.append(l).append("\r\n");
        }
        for (MediaDescription m : media) {
            m.writeTo(sb);
        }
        return sb.toString();
    }

    /** The session-level lines in order, starting with {@code v=0}. */
    public List<SdpLine> lines() {
        return lines;
    }

    /** The media sections in order. */
    public List<MediaDescription> media() {
        return media;
    }

    /** The media section with {@code a=mid:mid}, if any. */
    public Optional<MediaDescription> mediaByMid(String mid) {
        for (MediaDescription m : media) {
            if (m.mid().filter(mid::equals).isPresent()) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Every session-level attribute in order, including unknown ones. */
    public List<Attribute> attributes() {
        return List.copyOf(r.attributes);
    }

    /** {@code o=}. */
    public Origin origin() {
        return r.origin;
    }

    /** {@code s=}. */
    public String sessionName() {
        return r.sessionName;
    }

    /** {@code a=group} lines (RFC 5888 §5). */
    public List<Group> groups() {
        return List.copyOf(r.groups);
    }

    /** The mids of the first {@code a=group:BUNDLE} (RFC 9143 §7.1); empty when there is none. */
    public List<String> bundleMids() {
        for (Group g : r.groups) {
            if (g.semantics().equals(Group.BUNDLE)) {
                return g.mids();
            }
        }
        return List.of();
    }

    /** True when the SDP has an {@code a=group:BUNDLE}. */
    public boolean hasBundle() {
        for (Group g : r.groups) {
            if (g.semantics().equals(Group.BUNDLE)) {
                return true;
            }
        }
        return false;
    }

    /** {@code a=msid-semantic} value, e.g. {@code WMS *} (draft-ietf-mmusic-msid-05, still sent by browsers). */
    public Optional<String> msidSemantic() {
        return Optional.ofNullable(r.msidSemantic);
    }

    /** {@code a=ice-lite} (RFC 8839 §5.3). */
    public boolean iceLite() {
        return r.iceLite;
    }

    /** Session-level {@code a=ice-options} tokens (RFC 8839 §5.6). */
    public List<String> iceOptions() {
        return r.iceOptions;
    }

    /** Session-level {@code a=extmap-allow-mixed} (RFC 8285 §6). */
    public boolean extmapAllowMixed() {
        return r.extmapAllowMixed;
    }

    /** Session-level {@code a=fingerprint} lines. */
    public List<Fingerprint> sessionFingerprints() {
        return List.copyOf(r.fingerprints);
    }

    /** ICE credentials of a media section, each value from media level or else session level (RFC 8839 §5.4). */
    public Optional<IceCredentials> iceCredentials(MediaDescription m) {
        String ufrag = m.iceUfrag().orElse(r.iceUfrag);
        String pwd = m.icePwd().orElse(r.icePwd);
        return ufrag == null || pwd == null ? Optional.empty() : Optional.of(new IceCredentials(ufrag, pwd));
    }

    /** Fingerprints of a media section: media level if any, else session level (RFC 8122 §5). */
    public List<Fingerprint> fingerprints(MediaDescription m) {
        List<Fingerprint> f = m.fingerprints();
        return f.isEmpty() ? List.copyOf(r.fingerprints) : f;
    }

    /**
     * The session-level bandwidth in bit/s (RFC 8866 §5.8): {@code b=TIAS:<bit/s>} (RFC 3890) if present, else
     * {@code b=AS:<kbit/s>} × 1000; empty without either (other bandwidth types are ignored). In an offer it is the
     * most the offerer wants to receive (RFC 3264 §5.8).
     *
     * @throws SdpException when a TIAS or AS value is not a whole number from 1 to 10^9 (TIAS) or 10^6 (AS)
     */
    public OptionalLong bandwidth() {
        long as = -1;
        for (int i = 0; i < lines.size(); i++) {
            SdpLine l = lines.get(i);
            int colon = l.value().indexOf(':');
            if (l.type() != 'b' || colon < 0) {
                continue;
            }
            String type = l.value().substring(0, colon);
            boolean tias = type.equals("TIAS");
            if (!tias && !type.equals("AS")) {
                continue;
            }
            long max = tias ? 1_000_000_000L : 1_000_000L;
            String value = l.value().substring(colon + 1);
            long v = -1;
            if (!value.isEmpty() && value.length() <= 10 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                v = Long.parseLong(value);
            }
            if (v < 1 || v > max) {
                throw new SdpException("b=" + type + " must be a whole number of " + (tias ? "bit/s" : "kbit/s")
                        + " from 1 to " + max).at(i + 1, l.toString());
            }
            if (tias) {
                return OptionalLong.of(v);
            }
            as = v * 1000;
        }
        return as < 0 ? OptionalLong.empty() : OptionalLong.of(as);
    }

    /** DTLS setup role of a media section: media level, else session level (RFC 4145 §4). */
    public Optional<Setup> setup(MediaDescription m) {
        return m.setup().or(() -> Optional.ofNullable(r.setup));
    }

    /** Direction of a media section: media level, else session level, else sendrecv (RFC 8866 §6.7). */
    public Direction direction(MediaDescription m) {
        return m.direction().orElse(r.direction == null ? Direction.SENDRECV : r.direction);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionDescription s && s.lines.equals(lines) && s.media.equals(media);
    }

    @Override
    public int hashCode() {
        return lines.hashCode() * 31 + media.hashCode();
    }

    @Override
    public String toString() {
        return write();
    }

    /** Collects a session description built in code; {@link #build()} validates it like parsed text. */
    public static final class Builder {
        private final List<SdpLine> lines = new ArrayList<>();
        private final List<MediaDescription> media = new ArrayList<>();

        private Builder(Origin origin) {
            lines.add(new SdpLine('v', "0"));
            lines.add(new SdpLine('o', origin.value()));
            lines.add(new SdpLine('s', "-"));
            lines.add(new SdpLine('t', "0 0"));
        }

        /** Adds a session-level line. */
        public Builder add(SdpLine line) {
            lines.add(line);
            return this;
        }

        /** Adds a session-level typed attribute. */
        public Builder add(SdpAttribute attribute) {
            return add(attribute.toLine());
        }

        /** Adds a session-level property attribute {@code a=name}. */
        public Builder flag(String name) {
            return add(new Attribute(name, null).toLine());
        }

        /** Adds a session-level {@code a=name:value}. */
        public Builder attribute(String name, String value) {
            return add(new Attribute(name, value).toLine());
        }

        /** Adds a media section. */
        public Builder media(MediaDescription section) {
            media.add(section);
            return this;
        }

        /** Builds and validates the description. */
        public SessionDescription build() {
            return new SessionDescription(lines, media, 0);
        }
    }
}
