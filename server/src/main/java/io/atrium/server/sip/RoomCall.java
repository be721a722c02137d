package io.atrium.server.sip;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.atrium.server.room.Client;
import io.atrium.server.room.Params;
import io.atrium.server.room.RoomService;
import io.atrium.server.room.RpcException;
import io.atrium.server.room.Session;
import io.atrium.server.sip.audio.AudioLeg;
import io.atrium.server.sip.audio.Tone;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A phone's way into a room, as a client of the room protocol: the same {@code authenticate} and
 * {@code join_room} a browser makes (so every room rule applies unchanged), with the phone's
 * {@link PhoneMember} as its media. A room that wants its password asks for the PIN by tone; the
 * digits (RFC 4733) up to {@code #} are the room password ({@code *} starts over), {@value #PIN_ATTEMPTS}
 * tries. A room that makes the caller wait plays the waiting tone until an admin decides. The session's
 * notifications tell the call when it is admitted, refused or removed; any end of the seat hangs up.
 * In the room the keypad works as on a conference bridge: {@code *6} toggles the phone's own mute,
 * {@code *9} raises or lowers its hand (the same {@code mute_audio}/{@code raise_hand} requests a
 * browser makes, so the room announces them; an admin's mute cannot be lifted this way); other keys
 * go to the room as {@code send_dtmf}.
 */
final class RoomCall implements Client, AudioLeg.DigitListener {

    static final int PIN_ATTEMPTS = 3;
    static final long PIN_TIMEOUT_SECONDS = 30;
    static final int MAX_PIN = 32;
    private static final Logger log = LoggerFactory.getLogger("atrium.sip.rooms");

    enum State { ADMITTING, PIN, WAITING, JOINING, IN_ROOM, ENDED }

    final String callId;
    final UUID room;
    private final String name;
    private final RoomService rooms;
    private final ScheduledExecutorService timer;
    private final Consumer<Hangups.Why> hangUp;
    private final Runnable ended;
    private final StringBuilder pin = new StringBuilder();
    private Session session;
    private PhoneMember phone;
    private State state = State.ADMITTING;
    private int attempts;
    /** PINs completed with # while the previous one was being checked, oldest first. */
    private final java.util.ArrayDeque<String> typed = new java.util.ArrayDeque<>();
    private ScheduledFuture<?> pinTimeout;
    /** In the room: a {@code *} was typed, the next digit is a keypad command. */
    private boolean star;
    /** In the room: the phone's mute and hand as the room last announced them. */
    private boolean muted;
    private boolean handRaised;

    /**
     * {@code hangUp} sends the BYE, saying why ({@link Hangups}); it runs at most once. {@code ended} runs once when the
     * call ends, however (e.g. a room's invite giving back its slot of the calls out through the trunk).
     */
    RoomCall(String callId, UUID room, String name, RoomService rooms, ScheduledExecutorService timer,
             Consumer<Hangups.Why> hangUp, Runnable ended) {
        this.callId = callId;
        this.room = room;
        this.name = name;
        this.rooms = rooms;
        this.timer = timer;
        this.hangUp = hangUp;
        this.ended = ended;
    }

    /**
     * Starts with the phone's media and its session (address for per-address limits): joins at once with
     * {@code token} (a room's invite), or without one goes through {@code authenticate} and the room's rules.
     */
    synchronized void start(PhoneMember phone, String address, String token) {
        this.phone = phone;
        this.session = new Session(this, address, phone);
        if (token != null) {
            join(token);
        } else {
            authenticate(null);
        }
    }

    synchronized State state() {
        return state;
    }

    private void authenticate(String roomPassword) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("room", room.toString());
        p.put("call_id", callId);
        p.put("display_name", name);
        if (roomPassword != null) {
            p.put("room_password", roomPassword);
        }
        rooms.call(session, "authenticate", new Params(p)).whenComplete((result, error) -> admitted(result, error, roomPassword != null));
    }

    private synchronized void admitted(Object result, Throwable error, boolean withPin) {
        if (state == State.ENDED) {
            return;
        }
        if (error == null) {
            join((String) ((Map<?, ?>) result).get("auth_token"));
            return;
        }
        Throwable e = unwrapped(error);
        int code = e instanceof RpcException r ? r.code() : 500;
        if (code == 401 && (!withPin || ++attempts < PIN_ATTEMPTS)) {
            askPin();
            if (!typed.isEmpty()) {
                submit(typed.poll());
            }
        } else if (code == 403 && e.getMessage().startsWith("not allowed for this room")) {
            state = State.WAITING;
            phone.leg.tone(Tone.waiting());
            log.info("sip call {}: waiting to be admitted to room {}", callId, room);
        } else {
            end(refused(code == 401 ? "wrong PIN" : e.getMessage(), e), true);
        }
    }

    private static Throwable unwrapped(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** The room refused the phone ({@code e}), saying {@code text}: its 503 (e.g. the media stopping) is Atrium unavailable. */
    private static Hangups.Why refused(String text, Throwable e) {
        return e instanceof RpcException r && r.code() == 503 ? Hangups.unavailable(text) : Hangups.normal(text);
    }

    private void askPin() {
        state = State.PIN;
        phone.leg.tone(Tone.pin());
        if (pinTimeout != null) {
            pinTimeout.cancel(false);
        }
        pinTimeout = timer.schedule(() -> {
            synchronized (this) {
                if (state == State.PIN) {
                    end(Hangups.normal("no PIN entered"), true);
                }
            }
        }, PIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * A DTMF digit from the phone (relay thread). Digits typed while a PIN is being checked are kept for
     * the next try.
     */
    @Override
    public synchronized void onDigit(AudioLeg leg, char digit) {
        if (state == State.IN_ROOM) {
            keypad(digit);
            return;
        }
        if (state != State.PIN && state != State.ADMITTING) {
            return;
        }
        if (digit == '#') {
            if (state == State.PIN) {
                submit(pin.toString());
            } else if (typed.size() < PIN_ATTEMPTS) {
                typed.add(pin.toString());
            }
            pin.setLength(0);
        } else if (digit == '*') {
            pin.setLength(0);
        } else if (pin.length() < MAX_PIN) {
            pin.append(digit);
        }
    }

    /**
     * {@code *6}: own mute on/off; {@code *9}: hand up/down. Every other key goes to the room as
     * {@code send_dtmf} (the room sees it, the other phones hear it); a {@code *} waits for the next key
     * to know whether it starts a command.
     */
    private void keypad(char digit) {
        boolean command = star;
        star = digit == '*';
        String method = !command ? null : switch (digit) {
            case '6' -> muted ? "unmute_audio" : "mute_audio";
            case '9' -> handRaised ? "unraise_hand" : "raise_hand";
            default -> null;
        };
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        if (method == null) {
            String keys = (command ? "*" : "") + (digit == '*' ? "" : String.valueOf(digit));
            if (keys.isEmpty()) {
                return;
            }
            method = "send_dtmf";
            p.put("digits", keys);
        }
        String m = method;
        rooms.call(session, m, new Params(p)).whenComplete((r, e) -> {
            if (e != null) {
                log.info("sip call {}: keypad {} refused: {}", callId, m, e.getMessage());
            }
        });
    }

    private void submit(String entered) {
        state = State.ADMITTING;
        pinTimeout.cancel(false);
        authenticate(entered);
    }

    private void join(String token) {
        state = State.JOINING;
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("auth_token", token);
        rooms.call(session, "join_room", new Params(p)).whenComplete((result, error) -> {
            synchronized (this) {
                if (error != null) {
                    Throwable e = unwrapped(error);
                    end(refused("join failed: " + e.getMessage(), e), true);
                } else if (state == State.JOINING) {
                    state = State.IN_ROOM;
                    log.info("sip call {}: joined room {}", callId, room);
                }
            }
        });
    }

    /** Notifications to this phone's session (the room's executor). */
    @Override
    public synchronized void notify(String method, Object params) {
        if (method.equals("member_allowed") && state == State.WAITING && params instanceof Map<?, ?> m) {
            join((String) m.get("auth_token"));
        } else if (method.equals("member_rejected")) {
            end(Hangups.normal("rejected"), true);
        } else if (params instanceof Map<?, ?> m && callId.equals(m.get("member"))) {
            switch (method) {
                case "member_mute_audio" -> muted = true;
                case "member_unmute_audio" -> muted = false;
                case "member_raise_hand" -> handRaised = true;
                case "member_unraise_hand" -> handRaised = false;
                default -> { }
            }
        }
    }

    /** The room closes this phone's session (removed by an admin, rejected, room ended). */
    @Override
    public void close(String reason) {
        end(Hangups.normal(reason), true);
    }

    /** The room is not here any more (another node took it over): the phone may call again, and reach it there. */
    @Override
    public void closeToReconnect(String reason) {
        end(Hangups.unavailable(reason), true);
    }

    /** The phone hung up (its BYE). */
    void hungUp() {
        end(Hangups.normal("hung up"), false);
    }

    /** Ends the call once: hangs up saying {@code why} (unless the phone did), leaves the room, stops the media. */
    synchronized void end(Hangups.Why why, boolean bye) {
        if (state == State.ENDED) {
            return;
        }
        boolean member = state == State.JOINING || state == State.IN_ROOM;
        state = State.ENDED;
        if (pinTimeout != null) {
            pinTimeout.cancel(false);
        }
        log.info("sip call {}: ends in room {}: {}", callId, room, why.text());
        ended.run();
        if (bye) {
            hangUp.accept(why);
        }
        Session s = session;
        if (member) {
            rooms.call(s, "leave_room", new Params(null)).whenComplete((r, e) -> rooms.closed(s));
        } else if (s != null) {
            rooms.closed(s);
        }
        if (phone != null) {
            phone.detach(why.text());
        }
    }
}
