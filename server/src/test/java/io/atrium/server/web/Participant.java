package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One person in the web app: a Chromium page on /room.html with the fake camera and microphone. */
public final class Participant implements AutoCloseable {

    /** The camera size the app asks for in tests (the real default is 1280x720; 2 cores run 4 pages). */
    private static final String VIDEO = "{\"width\":640,\"height\":360}";

    /** How long media (frames decoded, packets received) may take to show, even on a loaded machine. */
    public static final Duration MEDIA = Duration.ofSeconds(60);

    public final Page page;
    final String label;
    /** The server's media counters of this page's room (estimate, forwarded layers, suspended tracks); "" when unknown. */
    private java.util.function.Supplier<String> serverMedia = () -> "";

    private Participant(Page page, String label) {
        this.page = page;
        this.label = label;
    }

    /**
     * Opens {@code path} (e.g. {@code /room.html?room=…}) in a new page. {@code apiCredentials}
     * puts the test API key in the tab's sessionStorage first, as the home page does.
     */
    public static Participant open(TestServer server, String label, String path, boolean apiCredentials) {
        return open(server, label, path, apiCredentials, "");
    }

    /** As {@link #open(TestServer, String, String, boolean)}, running {@code initScript} first in every document. */
    static Participant open(TestServer server, String label, String path, boolean apiCredentials, String initScript) {
        return open(server, label, path, apiCredentials, initScript, Chromium.newPage(label));
    }

    /** As above in {@code page} (e.g. one of a browser with other flags, {@link Chromium#browser(java.util.List)}). */
    public static Participant open(TestServer server, String label, String path, boolean apiCredentials, Page page) {
        return open(server, label, path, apiCredentials, "", page);
    }

    /** The web app's page at {@code page} (e.g. on a node in a process of its own), in a new Chromium page. */
    public static Participant open(java.net.URI page, String label) {
        return open(page, label, false, "", Chromium.newPage(label));
    }

    /** As {@link #open(java.net.URI, String)}, running {@code initScript} first in every document. */
    static Participant open(java.net.URI page, String label, String initScript) {
        return open(page, label, false, initScript, Chromium.newPage(label));
    }

    private static Participant open(TestServer server, String label, String path, boolean apiCredentials, String initScript,
                                    Page page) {
        Participant p = open(server.uri(path), label, apiCredentials, initScript, page);
        java.util.regex.Matcher room = java.util.regex.Pattern.compile("[?&]room=([0-9a-f-]{36})").matcher(path);
        if (room.find()) {
            String media = "/v1/rooms/" + room.group(1) + "/media";
            p.serverMedia = () -> server.get(media).body();
        }
        return p;
    }

    private static Participant open(java.net.URI uri, String label, boolean apiCredentials, String initScript, Page page) {
        StringBuilder init = new StringBuilder(initScript).append("localStorage.setItem('atrium.video', '" + VIDEO + "');");
        if (apiCredentials) {
            init.append("sessionStorage.setItem('atrium.key', '").append(TestServer.KEY).append("');")
                    .append("sessionStorage.setItem('atrium.secret', '").append(TestServer.SECRET).append("');");
        }
        page.addInitScript(init.toString());
        page.navigate(uri.toString());
        return new Participant(page, label);
    }

    /**
     * Fills the prejoin form and presses "Join now"; returns without waiting for the outcome. A link
     * with a token that names the person has no name field: {@code name} is then not typed.
     */
    Participant submitPrejoin(String name) {
        assertThat(page.locator("#prejoin")).isVisible();
        // the preview asks for the devices first: wait until the camera is in the preview
        Chromium.waitFor(page, "atriumApp.videoTrack !== null", Chromium.PATIENCE);
        if (page.locator("#name-label").isVisible()) {
            page.locator("#prejoin-form [name=name]").fill(name);
        }
        page.locator("#join-button").click();
        return this;
    }

    /** Joins and waits until the meeting screen shows. */
    public Participant join(String name) {
        submitPrejoin(name);
        inMeeting();
        return this;
    }

    /**
     * Joins {@code people} under {@code names} (in the same order) at once: every prejoin form is sent, then each
     * is waited for. The same as one {@link #join} after another, overlapped.
     */
    public static void joinTogether(List<Participant> people, String... names) {
        if (people.size() != names.length) {
            throw new IllegalArgumentException(people.size() + " people, " + names.length + " names");
        }
        for (int i = 0; i < names.length; i++) {
            people.get(i).submitPrejoin(names[i]);
        }
        people.forEach(Participant::inMeeting);
    }

    /**
     * Waits until the client is joined and the meeting screen shows: join_room, subscribe_room and the
     * peer connections, which on a loaded machine take far longer than when idle.
     */
    void inMeeting() {
        Chromium.waitFor(page, "atriumApp.client.state === 'joined' || atriumApp.client.state", MEDIA);
        assertThat(page.locator("#meeting")).isVisible();
    }

    public String callId() {
        return (String) page.evaluate("atriumApp.client.callId");
    }

    /** This participant's tile of {@code member}: in the grid, the strip or the large area of speaker view. */
    Locator tile(String member) {
        return page.locator("#stage .tile:not(.share)[data-member='" + member + "']");
    }

    /** What this page has received from {@code member}: {audio|video|screen: {packetsReceived, framesDecoded, …}}. */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Number>> statsFrom(String member) {
        return (Map<String, Map<String, Number>>) page.evaluate("id => atriumApp.client.memberStats(id)", member);
    }

    /** {@code counter} of {@code kind} ({@code audio}, {@code video}, {@code screen}) received from {@code member}. */
    public long count(String member, String kind, String counter) {
        Number n = statsFrom(member).get(kind).get(counter);
        return n == null ? 0 : n.longValue();
    }

    /** Waits until {@code counter} of {@code kind} from {@code member} grows by more than {@code by}. */
    public void waitForGrowth(String member, String kind, String counter, long by, Duration timeout) {
        long start = count(member, kind, counter);
        try {
            Chromium.waitFor(page, "atriumApp.client.memberStats('" + member + "').then(s => s." + kind + "." + counter
                    + " > " + (start + by) + " || s." + kind + ")", timeout);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + label + "'s publishing and receiving connections: "
                    + orWhy(() -> page.evaluate(
                            "[atriumApp.client.publishPc?.connectionState, atriumApp.client.receivePc?.connectionState]"))
                    + "\nthe server's media counters of the room: " + orWhy(serverMedia::get), e);
        }
    }

    /** What {@code what} gives, or why it could not (a failure's message must not hide the failure). */
    private static Object orWhy(java.util.function.Supplier<?> what) {
        try {
            return what.get();
        } catch (RuntimeException e) {
            return "(unavailable: " + e + ")";
        }
    }

    /**
     * Waits until {@code counter} of {@code kind} from {@code member} stays the same for {@code quiet}
     * (e.g. no audio packets arrive once a track is muted); fails if it keeps changing for {@code timeout}.
     */
    public void waitForSteady(String member, String kind, String counter, Duration quiet, Duration timeout) {
        Chromium.waitForSteady(page, label + ": " + kind + "." + counter + " from " + member, () -> count(member, kind, counter),
                quiet, timeout);
    }

    /** Waits until this page decodes fresh frames on the tile of every member given. */
    public void seesVideoOf(String... members) {
        watchVideoOf(members).run();
    }

    /** As {@link #seesVideoOf}, returning the wait once the tiles show and the counts are read ({@link #watchVideo}). */
    Runnable watchVideoOf(String... members) {
        for (String m : members) {
            assertThat(tile(m)).isVisible();
        }
        return watchVideo(10, members);
    }

    /**
     * Every one of {@code people} sees the others' video ({@link #seesVideoOf}), the waits overlapped: every page's
     * counts are read first, then each is waited for, so the frames the pages decode meanwhile count for all.
     */
    public static void seeEachOther(List<Participant> people) {
        List<String> ids = people.stream().map(Participant::callId).toList();
        List<Runnable> waits = new ArrayList<>();
        for (int i = 0; i < people.size(); i++) {
            List<String> others = new ArrayList<>(ids);
            others.remove(i);
            waits.add(people.get(i).watchVideoOf(others.toArray(String[]::new)));
        }
        waits.forEach(Runnable::run);
    }

    /**
     * Reads how many video frames this page has decoded from each of {@code members} and returns the wait (within
     * {@link #MEDIA}) until it has decoded more than {@code by} new ones from every one of them: waits of several
     * pages, or of one page for several members, then overlap instead of adding up (one member polled at a time,
     * as the stats cost the loaded machine CPU).
     */
    private Runnable watchVideo(long by, String... members) {
        Map<String, Long> marks = new java.util.LinkedHashMap<>();
        for (String m : members) {
            marks.put(m, count(m, "video", "framesDecoded") + by);
        }
        return () -> marks.forEach((m, mark) -> Chromium.waitFor(page, "atriumApp.client.memberStats('" + m
                + "').then(s => s.video.framesDecoded > " + mark + " || s.video)", MEDIA));
    }

    @Override
    public void close() {
        page.close();
    }
}
