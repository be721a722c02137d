package io.atrium.server.sip;

import gov.nist.core.CommonLogger;
import gov.nist.javax.sip.SipStackExt;
import gov.nist.javax.sip.clientauthutils.AuthenticationHelper;
import gov.nist.javax.sip.message.SIPRequest;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.ConfigException;
import io.atrium.server.room.RoomHome;
import io.atrium.server.room.RoomService;
import io.atrium.server.sfu.Shards;
import io.atrium.server.store.RoomNumberStore;
import io.atrium.server.store.User;
import io.atrium.server.store.UserStore;
import java.text.ParseException;
import java.time.Clock;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.TooManyListenersException;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.SipURI;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Atrium's SIP endpoint: one JAIN-SIP stack listening on {@code sip.host:sip.port} over UDP and TCP
 * (transactions, retransmissions and dialogs are the stack's), logging through SLF4J. Requests are
 * dispatched by method: REGISTER to the {@link Registrar} after digest authentication; INVITE (after
 * authentication), CANCEL and BYE to the {@link B2bua}; OPTIONS answered; anything else 405.
 */
public final class SipService implements SipListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("atrium.sip");

    private final AtriumConfig.Sip config;
    private final SipFactories sip;
    private final DigestAuthenticator auth;
    private final Registrar registrar;
    private final UserStore users;
    private final SipStack stack;
    private final SipProvider provider;
    private final RtpRelay relay;
    private final ScheduledExecutorService timer;
    private final B2bua b2bua;
    private final CancelledInvites cancelled = new CancelledInvites();
    private final Trunks trunks;
    private final RoomNumberStore roomNumbers;
    private final RoomCalls roomCalls;
    private final DialOut dialOut;
    private final Invites invites;
    /** What a room's invite may ring, and the bound on calls out through the trunk that phones' calls count against. */
    private final InviteRules rules;
    /** How long a stopping server waits for its temporary rooms to end, and for the phones it cancelled to answer. */
    private static final java.time.Duration STOP_PATIENCE = java.time.Duration.ofSeconds(5);
    private final RoomService rooms;

    private SipService(AtriumConfig.Sip config, SipFactories sip, DigestAuthenticator auth, Registrar registrar,
                       UserStore users, SipStack stack, SipProvider provider, Clock clock, Rooms rooms) {
        this.config = config;
        this.sip = sip;
        this.auth = auth;
        this.registrar = registrar;
        this.users = users;
        this.stack = stack;
        this.provider = provider;
        this.relay = new RtpRelay(config.host(), config.rtpPortMin(), config.rtpPortMax());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "atrium-sip-timer");
            t.setDaemon(true);
            return t;
        });
        this.trunks = new Trunks(config.trunks());
        AuthenticationHelper trunkAuth = stack instanceof SipStackExt ext
                ? ext.getAuthenticationHelper(new TrunkCredentials(config.trunks()), sip.headers()) : null;
        this.b2bua = new B2bua(config, sip, provider, relay, timer, clock, trunkAuth, rooms.service().mediaTimeoutMillis(), cancelled);
        this.roomNumbers = rooms.numbers();
        this.roomCalls = new RoomCalls(config, sip, provider, relay, rooms.service(), rooms.shards(), timer, clock);
        this.dialOut = new DialOut(config, sip, provider, relay, timer, trunkAuth, cancelled);
        this.rooms = rooms.service();
        this.rules = new InviteRules(config, users, trunks.outbound().isPresent(), clock);
        this.invites = new Invites(this.rooms, users, registrar, trunks, rules, roomNumbers, dialOut, b2bua, roomCalls, timer, clock);
        invites.forgetTemporaryRooms();
        this.rooms.addListener(invites);
        this.rooms.sip(invites);
    }

    /** What calls into rooms need: the rooms, their media, and their dial-in numbers. */
    public record Rooms(RoomService service, Shards shards, RoomNumberStore numbers) {
    }

    /** Starts the stack on the configured port; a port in use is a {@link ConfigException}. */
    public static SipService start(AtriumConfig.Sip config, UserStore users, Registrar registrar, Clock clock, Rooms rooms) {
        CommonLogger.legacyLogger = new SipStackLogger();
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "atrium-" + config.port());
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", SipStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", SipMessageLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "32");
        p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "true");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        // RFC 3261 14.2: a re-INVITE while Atrium's own INVITE on that dialog is pending gets 491, one out of CSeq order 500
        // (the stack's default, relied on by B2bua's glare handling: docs/SIP.md)
        p.setProperty("gov.nist.javax.sip.AUTOMATIC_DIALOG_ERROR_HANDLING", "true");
        SipStack stack;
        try {
            stack = factory.createSipStack(p);
        } catch (javax.sip.PeerUnavailableException e) {
            throw new IllegalStateException("JAIN-SIP RI missing from the class path", e);
        }
        try {
            ListeningPoint udp = stack.createListeningPoint(config.host(), config.port(), ListeningPoint.UDP);
            ListeningPoint tcp = stack.createListeningPoint(config.host(), config.port(), ListeningPoint.TCP);
            SipProvider provider = stack.createSipProvider(udp);
            provider.addListeningPoint(tcp);
            SipFactories sip = SipFactories.create();
            DigestAuthenticator auth = new DigestAuthenticator(users, config, sip, clock);
            SipService service = new SipService(config, sip, auth, registrar, users, stack, provider, clock, rooms);
            provider.addSipListener(service);
            stack.start();
            log.info("SIP listening on udp and tcp {}:{} (realm {})", config.host(), config.port(), config.realm());
            return service;
        } catch (InvalidArgumentException | SipException | TooManyListenersException e) {
            stack.stop();
            throw new ConfigException("cannot listen for SIP on " + config.host() + ":" + config.port()
                    + " (sip.host, sip.port): " + e.getMessage() + "; choose a free port or set sip.enabled: false", e);
        }
    }

    /** Where phones reach Atrium, for the start banner: {@code host:port}. */
    public String address() {
        return config.publicAddress() + ":" + config.port();
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        try {
            switch (request.getMethod()) {
                case Request.REGISTER -> register(event);
                case Request.INVITE -> invite(event);
                case Request.CANCEL -> b2bua.cancel(event);
                case Request.BYE -> {
                    if (RoomCalls.owns(event.getDialog())) {
                        roomCalls.bye(event);
                    } else {
                        b2bua.bye(event);
                    }
                }
                case Request.OPTIONS -> respond(event, sip.messages().createResponse(Response.OK, request));
                case Request.ACK -> b2bua.ack(event);
                case Request.INFO -> {
                    if (RoomCalls.owns(event.getDialog())) {
                        roomCalls.info(event);
                    } else {
                        b2bua.info(event);
                    }
                }
                default -> {
                    Response r = sip.messages().createResponse(Response.METHOD_NOT_ALLOWED, request);
                    r.addHeader(sip.headers().createAllowHeader("REGISTER, INVITE, ACK, CANCEL, BYE, OPTIONS, INFO"));
                    respond(event, r);
                }
            }
        } catch (ParseException | InvalidArgumentException | SipException | RuntimeException e) {
            log.warn("cannot handle {} from {}: {}", request.getMethod(), source(request), e.toString());
        }
    }

    private void register(RequestEvent event) throws ParseException, InvalidArgumentException, SipException {
        Request request = event.getRequest();
        String source = source(request);
        DigestAuthenticator.Result result = auth.authenticate(request, source);
        if (result instanceof DigestAuthenticator.Ok ok) {
            String transport = ((ViaHeader) request.getHeader(ViaHeader.NAME)).getTransport().toLowerCase(Locale.ROOT);
            respond(event, registrar.register(request, ok.account().user(), ok.algorithm(),
                    source + ":" + ((SIPRequest) request).getRemotePort(), transport, sip));
        } else {
            respond(event, refusal(request, result));
        }
    }

    private void invite(RequestEvent event) throws ParseException, InvalidArgumentException, SipException {
        Request request = event.getRequest();
        if (((ToHeader) request.getHeader(ToHeader.NAME)).getTag() != null) {
            if (RoomCalls.owns(event.getDialog())) {
                roomCalls.reinvite(event);
            } else {
                b2bua.reinvite(event);
            }
            return;
        }
        String number = request.getRequestURI() instanceof SipURI u ? u.getUser() : null;
        SIPRequest raw = (SIPRequest) request;
        String transport = ((ViaHeader) request.getHeader(ViaHeader.NAME)).getTransport();
        Optional<Trunks.Resolved> trunk = trunks.from(raw.getRemoteAddress(), raw.getRemotePort(), transport);
        if (trunk.isPresent()) {
            String extension = number == null ? null : trunk.get().config().inbound().get(number);
            if (extension == null) {
                respond(event, sip.messages().createResponse(Response.NOT_FOUND, request));
                return;
            }
            FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
            String callerNumber = from.getAddress().getURI() instanceof SipURI u ? u.getUser() : "anonymous";
            Optional<UUID> room = users.findByExtension(extension).isEmpty() ? roomNumbers.roomOf(extension) : Optional.empty();
            if (room.isPresent()) {
                intoRoom(event, from.getAddress().getDisplayName(), callerNumber, null, room.get(), extension, transport);
                return;
            }
            b2bua.invite(event, from.getAddress().getDisplayName(), callerNumber, null, extension,
                    registrar.contacts(extension), Response.TEMPORARILY_UNAVAILABLE, B2bua.NOTHING);
            return;
        }
        DigestAuthenticator.Result result = auth.authenticate(request, source(request));
        if (!(result instanceof DigestAuthenticator.Ok ok)) {
            respond(event, refusal(request, result));
            return;
        }
        User caller = ok.account().user();
        if (caller.sipExtension() == null || number == null) {
            respond(event, sip.messages().createResponse(caller.sipExtension() == null ? Response.FORBIDDEN : Response.NOT_FOUND,
                    request));
            return;
        }
        if (users.findByExtension(number).isEmpty()) {
            Optional<UUID> room = roomNumbers.roomOf(number);
            if (room.isPresent()) {
                intoRoom(event, caller.displayName(), caller.sipExtension(), caller.uuid(), room.get(), number, transport);
                return;
            }
            Optional<Trunks.Resolved> out = trunks.outbound();
            if (out.isEmpty()) {
                respond(event, sip.messages().createResponse(Response.NOT_FOUND, request));
                return;
            }
            String callerId = out.get().config().callerId().isEmpty() ? caller.sipExtension() : out.get().config().callerId();
            b2bua.invite(event, caller.displayName(), callerId, caller.uuid(), number, List.of(out.get().uri(number)),
                    Response.TEMPORARILY_UNAVAILABLE, rules::phoneCallOut); // counted as a room's call out is
            return;
        }
        List<String> phones = registrar.contacts(number);
        b2bua.invite(event, caller.displayName(), caller.sipExtension(), caller.uuid(), number, phones,
                Response.TEMPORARILY_UNAVAILABLE, B2bua.NOTHING);
    }

    /**
     * A call into {@code room} by its number: run here, or, when another node of a cluster runs the room, answered
     * {@code 302} with that node's address, where the phone calls again (docs/SCALING.md): the call's media then
     * goes to the room's node like every member's. {@code 503} while the cluster cannot tell.
     */
    private void intoRoom(RequestEvent event, String name, String callerNumber, UUID caller, UUID room, String number,
                          String transport) throws ParseException, InvalidArgumentException, SipException {
        Optional<String> node;
        try {
            node = rooms.elsewhere().phoneNode(room);
        } catch (RoomHome.Unavailable e) {
            respond(event, sip.unavailable(event.getRequest(), SipFactories.RETRY_AFTER_CLUSTER));
            return;
        }
        if (node.isPresent()) {
            Response moved = sip.messages().createResponse(Response.MOVED_TEMPORARILY, event.getRequest());
            String uri = "sip:" + number + "@" + node.get() + ("TCP".equalsIgnoreCase(transport) ? ";transport=tcp" : "");
            moved.addHeader(sip.headers().createContactHeader(sip.addresses().createAddress(uri)));
            respond(event, moved);
            return;
        }
        roomCalls.invite(event, name, callerNumber, caller, room, number);
    }

    /** The calls now ringing or answered, then the calls into rooms. */
    public List<CallInfo> calls() {
        List<CallInfo> all = new java.util.ArrayList<>(b2bua.active());
        all.addAll(roomCalls.active());
        return all;
    }

    /** The dial-in number of {@code room} (assigned on first use) and its SIP URI at Atrium. */
    public Map<String, String> dialIn(UUID room) {
        String number = roomNumbers.numberOf(room);
        return Map.of("number", number, "uri", "sip:" + number + "@" + address());
    }

    /** The 401 (with challenges) or 403 for a request that did not authenticate. */
    private Response refusal(Request request, DigestAuthenticator.Result result) throws ParseException {
        if (result instanceof DigestAuthenticator.Challenge c) {
            Response r = sip.messages().createResponse(Response.UNAUTHORIZED, request);
            auth.challenge(r, c.stale());
            return r;
        }
        String reason = ((DigestAuthenticator.Refused) result).reason();
        log.info("{} from {} refused: {}", request.getMethod(), source(request), reason);
        Response r = sip.messages().createResponse(Response.FORBIDDEN, request);
        r.setReasonPhrase(reason);
        return r;
    }

    private void respond(RequestEvent event, Response response) throws SipException, InvalidArgumentException {
        ServerTransaction st = event.getServerTransaction();
        if (st == null) {
            st = provider.getNewServerTransaction(event.getRequest());
        }
        st.sendResponse(response);
    }

    static String source(Request request) {
        return ((SIPRequest) request).getRemoteAddress().getHostAddress();
    }

    @Override
    public void processResponse(ResponseEvent event) {
        try {
            if (DialOut.owns(event.getClientTransaction(), event.getDialog())) {
                dialOut.response(event);
            } else {
                b2bua.response(event);
            }
        } catch (ParseException | InvalidArgumentException | SipException | RuntimeException e) {
            log.warn("cannot handle response {}: {}", event.getResponse().getStatusCode(), e.toString());
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        try {
            if (!event.isServerTransaction() && DialOut.owns(event.getClientTransaction(), null)) {
                dialOut.timeout(event.getClientTransaction());
            } else if (!event.isServerTransaction()) {
                b2bua.timeout(event.getClientTransaction());
            }
        } catch (ParseException | InvalidArgumentException | SipException | RuntimeException e) {
            log.warn("cannot handle a transaction timeout: {}", e.toString());
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        log.debug("SIP I/O error towards {}:{}/{}", event.getHost(), event.getPort(), event.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
    }

    /**
     * Before the sockets close: calls between extensions and into rooms, open invites and (on a node alone)
     * temporary rooms end, their clients told; returns once the phones whose INVITEs were cancelled have answered
     * ({@link CancelledInvites}), or after {@link #STOP_PATIENCE}.
     */
    public void stopping() {
        b2bua.stop();
        roomCalls.stop();
        invites.stop(STOP_PATIENCE);
        cancelled.awaitAnswers(STOP_PATIENCE);
    }

    @Override
    public void close() {
        rooms.sip(null);
        provider.removeSipListener(this);
        stopStack(stack);
        timer.shutdownNow();
        relay.close();
    }

    /**
     * Stops the stack without its idle second: jain-sip-ri's {@code stopStack} closes the sockets and stops its timer,
     * then sleeps 1 s "to let processing complete" before clearing its tables. Atrium's listener is gone by then, so
     * nothing is left to complete; this thread's interrupt (set here, cleared after, kept if it was set before) ends
     * that sleep, and nothing before it in {@code stopStack} waits or does interruptible I/O (jain-sip-ri 1.3.0-91).
     */
    private static void stopStack(SipStack stack) {
        boolean interrupted = Thread.interrupted();
        Thread.currentThread().interrupt();
        try {
            stack.stop();
        } finally {
            Thread.interrupted();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
