package io.atrium.webrtc.sdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Interprets the lines of one SDP section (the session section, RFC 8866 §5, or one media section
 * after its {@code m=} line, §5.14) into typed values, checking each known attribute once. Unknown
 * line types and attributes are kept only as lines. Every problem is reported as an
 * {@link SdpException} naming the line.
 */
final class SectionReader {

    final boolean media;

    Origin origin;
    String sessionName;
    int timingLines;
    final List<Group> groups = new ArrayList<>();
    final List<Integer> groupLineNumbers = new ArrayList<>();
    String msidSemantic;
    boolean iceLite;
    boolean extmapAllowMixed;

    ConnectionData connection;
    String mid;
    int midLineNumber;
    Direction direction;
    String iceUfrag;
    String icePwd;
    List<String> iceOptions = List.of();
    final List<Fingerprint> fingerprints = new ArrayList<>();
    Setup setup;
    boolean rtcpMux;
    boolean rtcpRsize;
    boolean endOfCandidates;
    boolean bundleOnly;
    final Map<Integer, Rtpmap> rtpmaps = new LinkedHashMap<>();
    final Map<String, Fmtp> fmtps = new LinkedHashMap<>();
    final List<RtcpFeedback> feedback = new ArrayList<>();
    final List<Extmap> extmaps = new ArrayList<>();
    final List<Msid> msids = new ArrayList<>();
    final List<SsrcAttribute> ssrcAttributes = new ArrayList<>();
    final List<SsrcGroup> ssrcGroups = new ArrayList<>();
    final List<Rid> rids = new ArrayList<>();
    Simulcast simulcast;
    int simulcastLineNumber;
    String simulcastLine;
    final List<Candidate> candidates = new ArrayList<>();
    int sctpPort = -1;
    long maxMessageSize = -1;
    SctpMap sctpMap;
    final List<Attribute> attributes = new ArrayList<>();

    private final Set<Integer> extmapIds = new HashSet<>();
    private final Set<String> ridKeys = new HashSet<>();
    private final Set<String> ridIds = new HashSet<>();

    private SectionReader(boolean media) {
        this.media = media;
    }

    /**
     * Reads a section.
     *
     * @param lines           the section's lines (for a media section, those after {@code m=})
     * @param firstLineNumber the 1-based line number of {@code lines.get(0)} in the SDP text, or 0 when
     *                        the lines were built in code
     * @param media           true for a media section
     */
    static SectionReader read(List<SdpLine> lines, int firstLineNumber, boolean media) {
        SectionReader r = new SectionReader(media);
        for (int i = 0; i < lines.size(); i++) {
            SdpLine line = lines.get(i);
            int number = firstLineNumber > 0 ? firstLineNumber + i : 0;
            try {
                r.readLine(line, i, number);
            } catch (SdpException e) {
                throw e.at(number, line.toString());
            }
        }
        r.finish();
        return r;
    }

    private void readLine(SdpLine line, int index, int number) {
        String v = line.value();
        switch (line.type()) {
            case 'v' -> {
                if (media || index != 0) {
                    throw new SdpException("v= must be the first line of the SDP");
                }
                if (!v.equals("0")) {
                    throw new SdpException("protocol version must be 0");
                }
            }
            case 'o' -> {
                sessionOnly("o=");
                once(origin, "o=");
                origin = Origin.parse(v);
            }
            case 's' -> {
                sessionOnly("s=");
                once(sessionName, "s=");
                if (v.isEmpty()) {
                    throw new SdpException("s= must not be empty (use s=-)");
                }
                sessionName = v;
            }
            case 't' -> {
                sessionOnly("t=");
                timingLines++;
            }
            case 'c' -> {
                once(connection, "c=");
                connection = ConnectionData.parse(v);
            }
            case 'a' -> readAttribute(Attribute.parse(v), number);
            default -> {
                // i=, u=, e=, p=, b=, r=, z=, k= and unknown types: kept as lines, not interpreted.
            }
        }
    }

    private void sessionOnly(String what) {
        if (media) {
            throw new SdpException(what + " line is not allowed inside a media section");
        }
    }

    private static void once(Object existing, String what) {
        if (existing != null) {
            throw new SdpException("duplicate " + what + " line");
        }
    }

    private static String value(Attribute a) {
        if (a.value() == null) {
            throw new SdpException("a=" + a.name() + " needs a value");
        }
        return a.value();
    }

    private void readAttribute(Attribute a, int number) {
        attributes.add(a);
        Direction dir = Direction.fromSdpName(a.name());
        if (dir != null) {
            if (direction != null) {
                throw new SdpException("a=" + a.name() + " conflicts with an earlier a=" + direction.sdpName());
            }
            direction = dir;
            return;
        }
        switch (a.name()) {
            case "ice-ufrag" -> {
                once(iceUfrag, "a=ice-ufrag");
                iceUfrag = IceCredentials.checkUfrag(value(a));
            }
            case "ice-pwd" -> {
                once(icePwd, "a=ice-pwd");
                icePwd = IceCredentials.checkPwd(value(a));
            }
            case "ice-options" -> {
                List<String> options = SdpText.split(value(a));
                for (String o : options) {
                    SdpText.word(o, "ice option");
                }
                iceOptions = List.copyOf(options);
            }
            case "fingerprint" -> fingerprints.add(Fingerprint.parse(value(a)));
            case "setup" -> {
                once(setup, "a=setup");
                setup = Setup.parse(value(a));
            }
            default -> {
                if (media) {
                    readMediaAttribute(a, number);
                } else {
                    readSessionAttribute(a, number);
                }
            }
        }
    }

    private void readSessionAttribute(Attribute a, int number) {
        switch (a.name()) {
            case "group" -> {
                groups.add(Group.parse(value(a)));
                groupLineNumbers.add(number);
            }
            case "msid-semantic" -> {
                once(msidSemantic, "a=msid-semantic");
                String s = value(a).strip();
                if (s.isEmpty()) {
                    throw new SdpException("a=msid-semantic is empty");
                }
                msidSemantic = s;
            }
            case "ice-lite" -> iceLite = true;
            case "extmap-allow-mixed" -> extmapAllowMixed = true;
            default -> {
                // Unknown session attribute: kept as a line.
            }
        }
    }

    private void readMediaAttribute(Attribute a, int number) {
        switch (a.name()) {
            case "mid" -> {
                once(mid, "a=mid");
                mid = SdpText.token(value(a), SdpLimits.MAX_ID_LENGTH, "mid");
                midLineNumber = number;
            }
            case "rtcp-mux" -> rtcpMux = true;
            case "rtcp-rsize" -> rtcpRsize = true;
            case "end-of-candidates" -> endOfCandidates = true;
            case "bundle-only" -> bundleOnly = true;
            case "extmap-allow-mixed" -> extmapAllowMixed = true;
            case "rtpmap" -> {
                Rtpmap m = Rtpmap.parse(value(a));
                if (rtpmaps.putIfAbsent(m.payloadType(), m) != null) {
                    throw new SdpException("duplicate a=rtpmap for payload type " + m.payloadType());
                }
            }
            case "fmtp" -> {
                Fmtp f = Fmtp.parse(value(a));
                if (fmtps.putIfAbsent(f.format(), f) != null) {
                    throw new SdpException("duplicate a=fmtp for format " + SdpException.excerpt(f.format()));
                }
            }
            case "rtcp-fb" -> feedback.add(RtcpFeedback.parse(value(a)));
            case "extmap" -> {
                Extmap e = Extmap.parse(value(a));
                if (!extmapIds.add(e.id())) {
                    throw new SdpException("duplicate a=extmap id " + e.id());
                }
                extmaps.add(e);
            }
            // Atrium routes by mid, rid and SSRC, never by msid: a malformed or legacy msid (GStreamer writes
            // "a=ssrc:1 msid:user1@host-2 ...") is kept only as a line, never a reason to refuse the offer.
            case "msid" -> lenient(() -> msids.add(Msid.parse(value(a))));
            case "ssrc" -> lenient(() -> ssrcAttributes.add(SsrcAttribute.parse(value(a))));
            case "ssrc-group" -> ssrcGroups.add(SsrcGroup.parse(value(a)));
            case "rid" -> {
                Rid rid = Rid.parse(value(a));
                if (!ridIds.add(rid.id())) {
                    throw new SdpException("duplicate a=rid " + rid.id());
                }
                ridKeys.add(rid.direction().sdpName() + " " + rid.id());
                rids.add(rid);
            }
            case "simulcast" -> {
                once(simulcast, "a=simulcast");
                simulcast = Simulcast.parse(value(a));
                simulcastLineNumber = number;
                simulcastLine = a.toLine().toString();
            }
            case "candidate" -> candidates.add(Candidate.parse(value(a)));
            case "sctp-port" -> {
                if (sctpPort >= 0) {
                    throw new SdpException("duplicate a=sctp-port");
                }
                sctpPort = SdpText.parseInt(value(a).strip(), 0, 65535, "sctp-port");
            }
            case "max-message-size" -> {
                if (maxMessageSize >= 0) {
                    throw new SdpException("duplicate a=max-message-size");
                }
                maxMessageSize = SdpText.parseLong(value(a).strip(), 0, 0xFFFF_FFFFL, "max-message-size");
            }
            case "sctpmap" -> {
                once(sctpMap, "a=sctpmap");
                sctpMap = SctpMap.parse(value(a));
            }
            default -> {
                // Unknown media attribute: kept as a line.
            }
        }
    }

    /** Reads an attribute Atrium can do without: when it is malformed it stays an opaque line (RFC 8866 §5.13). */
    private static void lenient(Runnable read) {
        try {
            read.run();
        } catch (SdpException ignored) {
            // kept in attributes as written
        }
    }

    /** Checks that need the whole section: simulcast rids must be declared by a=rid (RFC 8853 §5.1). */
    private void finish() {
        if (simulcast == null) {
            return;
        }
        try {
            for (RidDirection d : RidDirection.values()) {
                for (String id : simulcast.rids(d)) {
                    if (!ridKeys.contains(d.sdpName() + " " + id)) {
                        throw new SdpException("a=simulcast names rid '" + id + "' with no a=rid:" + id + " "
                                + d.sdpName());
                    }
                }
            }
        } catch (SdpException e) {
            throw e.at(simulcastLineNumber, simulcastLine);
        }
    }
}
