package io.atrium.server.sip;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.store.User;
import gov.nist.javax.sip.header.SIPHeader;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import io.atrium.server.room.Elsewhere;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;
import java.util.Comparator;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.InvalidArgumentException;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.UserAgentHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The registrar (RFC 3261 10.3): an authenticated user binds any number of phones (Contacts) to their
 * extension. Bindings live in memory, end at their expiry (clamped to {@code sip.min/max_expires_seconds})
 * and are what a call to the extension forks to.
 */
public final class Registrar {

    /** The most phones one extension may register at once. */
    static final int MAX_BINDINGS = 20;
    static final int DEFAULT_EXPIRES = 3600;

    private final int minExpires;
    private final int maxExpires;
    private final Clock clock;
    private final Map<String, List<Registration>> byExtension = new ConcurrentHashMap<>();
    private final Supplier<Elsewhere> elsewhere;

    /** {@code elsewhere}: the other nodes, told of this node's bindings (docs/SCALING.md). */
    public Registrar(AtriumConfig.Sip config, Clock clock, Supplier<Elsewhere> elsewhere) {
        this.minExpires = config.minExpiresSeconds();
        this.maxExpires = config.maxExpiresSeconds();
        this.clock = clock;
        this.elsewhere = elsewhere;
    }

    /**
     * The contacts a call to {@code extension} rings: its live bindings here, then those registered on
     * other nodes of a cluster.
     */
    public List<String> contacts(String extension) {
        Set<String> contacts = new LinkedHashSet<>();
        bindings(extension).forEach(r -> contacts.add(r.contact()));
        contacts.addAll(elsewhere.get().phones(extension));
        return List.copyOf(contacts);
    }

    /** The live registrations of an extension, oldest first. */
    public List<Registration> bindings(String extension) {
        Instant now = clock.instant();
        List<Registration> list = byExtension.getOrDefault(extension, List.of());
        return list.stream().filter(r -> r.expiresAt().isAfter(now)).toList();
    }

    /** Every live registration, by extension then age. */
    public List<Registration> all() {
        Instant now = clock.instant();
        byExtension.values().removeIf(l -> l.stream().noneMatch(r -> r.expiresAt().isAfter(now)));
        return byExtension.values().stream().flatMap(List::stream).filter(r -> r.expiresAt().isAfter(now))
                .sorted(Comparator.comparing(Registration::extension).thenComparing(Registration::registeredAt)).toList();
    }

    /** Handles an authenticated REGISTER and builds the response to send. */
    Response register(Request request, User user, String algorithm, String source, String transport, SipFactories sip)
            throws ParseException, InvalidArgumentException {
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        String aor = to.getAddress().getURI() instanceof SipURI u ? u.getUser() : null;
        if (user.sipExtension() == null || !user.sipExtension().equals(aor)) {
            return sip.messages().createResponse(Response.FORBIDDEN, request);
        }
        ExpiresHeader expiresHeader = request.getExpires();
        int defaultExpires = expiresHeader != null ? expiresHeader.getExpires() : DEFAULT_EXPIRES;
        List<ContactHeader> contacts = new ArrayList<>();
        for (ListIterator<?> it = request.getHeaders(ContactHeader.NAME); it.hasNext(); ) {
            contacts.add((ContactHeader) it.next());
        }
        String userAgent = request.getHeader(UserAgentHeader.NAME) instanceof SIPHeader ua ? ua.getHeaderValue().trim() : "";
        String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        long cseq = ((CSeqHeader) request.getHeader(CSeqHeader.NAME)).getSeqNumber();
        Instant now = clock.instant();
        synchronized (this) {
            List<Registration> before = bindings(aor);
            List<Registration> current = new ArrayList<>(before);
            for (ContactHeader c : contacts) {
                if (c.getAddress().isWildcard()) {
                    if (contacts.size() != 1 || defaultExpires != 0) {
                        return sip.messages().createResponse(Response.BAD_REQUEST, request);
                    }
                    current.clear();
                    continue;
                }
                int expires = c.getExpires() >= 0 ? c.getExpires() : defaultExpires;
                String uri = c.getAddress().getURI().toString();
                if (expires > 0 && expires < minExpires) {
                    Response r = sip.messages().createResponse(Response.INTERVAL_TOO_BRIEF, request);
                    r.addHeader(sip.headers().createMinExpiresHeader(minExpires));
                    return r;
                }
                current.removeIf(r -> r.contact().equals(uri));
                if (expires > 0) {
                    current.add(new Registration(user.uuid(), user.username(), aor, uri, source, transport, userAgent,
                            algorithm, callId, cseq, now, now.plusSeconds(Math.min(expires, maxExpires))));
                }
            }
            if (current.size() > MAX_BINDINGS) {
                return sip.messages().createResponse(Response.FORBIDDEN, request);
            }
            byExtension.put(aor, List.copyOf(current));
            Map<String, Instant> listed = new LinkedHashMap<>();
            current.forEach(r -> listed.put(r.contact(), r.expiresAt()));
            Set<String> gone = new HashSet<>();
            before.forEach(r -> {
                if (!listed.containsKey(r.contact())) {
                    gone.add(r.contact());
                }
            });
            elsewhere.get().phonesRegistered(aor, listed, gone);
            Response ok = sip.messages().createResponse(Response.OK, request);
            for (Registration r : current) {
                ContactHeader c = sip.headers().createContactHeader(sip.addresses().createAddress(r.contact()));
                c.setExpires((int) Math.max(0, r.expiresAt().getEpochSecond() - now.getEpochSecond()));
                ok.addHeader(c);
            }
            ok.addHeader(sip.headers().createDateHeader(java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("GMT"))));
            return ok;
        }
    }
}
