package io.atrium.server.testing;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's headless Chromium driven by Playwright: one browser per test JVM, started on first use
 * and closed at JVM exit, with fake camera and microphone and loopback ICE (see DESIGN.md, "Real
 * clients in tests"). Each {@link #newPage} gets its own browser context, so pages share nothing.
 *
 * <p>Playwright is not thread-safe: use these pages from one test thread (JUnit's default).
 */
public final class Chromium {

    /**
     * The resource every class that drives Chromium holds ({@code @ResourceLock(Chromium.LOCK)}, or it is
     * {@code @Isolated}): the server's test classes run two at a time, but never two browser classes, since two
     * sets of encoding and decoding pages on two cores starve each other's media (a page stuck at 5 decoded frames
     * for 45 s in CI). A browser class runs beside one that drives no browser. ArchitectureTest enforces it.
     */
    public static final String LOCK = "chromium";
    public static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
    public static final List<String> FLAGS = List.of(
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            "--allow-loopback-in-peer-connection");
    /** Where {@link #screenshot} writes: {@code server/target/screenshots}. */
    public static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "screenshots");
    private static final String HELPERS = "/webrtc-test-helpers.js";
    private static final Duration POLL = Duration.ofMillis(100);
    /**
     * How long Playwright's actions and {@code assertThat(locator)} wait for a page by default. Generous:
     * a page waits for events (its meeting state, a tile, a button's state), and on a loaded shared
     * machine four Chromium pages on two cores take many seconds for what is instant when idle.
     */
    public static final Duration PATIENCE = Duration.ofSeconds(45);
    private static final Logger log = LoggerFactory.getLogger(Chromium.class);

    /**
     * Playwright is not thread-safe and test classes run two at a time (junit-platform.properties), so each thread
     * that drives browsers has its own driver, shared browser and browsers with extra flags, all closed at exit.
     */
    private static final ThreadLocal<Browsers> OWN = ThreadLocal.withInitial(Browsers::new);

    private static final class Browsers {
        Playwright playwright;
        Browser browser;
        /** Browsers started with flags beyond {@link #FLAGS} (e.g. a fake microphone playing a file), by those flags. */
        final Map<List<String>, Browser> others = new java.util.HashMap<>();
    }

    private Chromium() {
    }

    /** This thread's shared browser, started on first call. */
    public static Browser browser() {
        Browsers own = OWN.get();
        if (own.browser == null) {
            long start = System.nanoTime();
            own.browser = playwright().chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(EXECUTABLE).setHeadless(true).setArgs(FLAGS));
            log.info("chromium {} started in {} ms", own.browser.version(), (System.nanoTime() - start) / 1_000_000);
        }
        return own.browser;
    }

    private static Playwright playwright() {
        Browsers own = OWN.get();
        if (own.playwright == null) {
            if (!Files.isExecutable(EXECUTABLE)) {
                throw new AssertionError(EXECUTABLE + " is missing: run scripts/test, which installs Debian's chromium");
            }
            // Playwright must never download a browser, whoever runs the tests (Maven or an IDE).
            own.playwright = Playwright.create(new Playwright.CreateOptions()
                    .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
            com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(PATIENCE.toMillis());
            Playwright started = own.playwright;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "chromium-close"));
        }
        return own.playwright;
    }

    /**
     * A browser of the caller's, closed by the caller: Chromium started through {@code launcher} (a
     * program that runs Chromium with its arguments, e.g. {@link NetNamespace#wrapper}) with
     * {@link #FLAGS} plus {@code extraFlags}.
     */
    public static Browser launch(Path launcher, List<String> extraFlags) {
        List<String> flags = new java.util.ArrayList<>(FLAGS);
        flags.addAll(extraFlags);
        return playwright().chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(launcher).setHeadless(true).setArgs(flags));
    }

    /**
     * A browser started with {@link #FLAGS} plus {@code extraFlags} (one per distinct set and thread, started on
     * first call and closed with the shared one), e.g. {@code --use-file-for-fake-audio-capture=tone.wav}.
     */
    public static Browser browser(List<String> extraFlags) {
        Playwright playwright = playwright();
        return OWN.get().others.computeIfAbsent(List.copyOf(extraFlags), extra -> {
            List<String> flags = new java.util.ArrayList<>(FLAGS);
            flags.addAll(extra);
            return playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(EXECUTABLE).setHeadless(true).setArgs(flags));
        });
    }

    /** A page labelled "page"; see {@link #newPage(String)}. */
    public static Page newPage() {
        return newPage("page");
    }

    /**
     * A page in a fresh context with camera and microphone granted, whose console messages and
     * uncaught errors go to the test log prefixed with {@code label}. Closing the page closes its context.
     */
    public static Page newPage(String label) {
        return newPage(label, new Browser.NewContextOptions());
    }

    /** As {@link #newPage(String)} with context options, e.g. {@code setIgnoreHTTPSErrors(true)}. */
    public static Page newPage(String label, Browser.NewContextOptions options) {
        return newPage(label, options, browser());
    }

    /** As {@link #newPage(String, Browser.NewContextOptions)} in {@code in} (see {@link #browser(List)}). */
    public static Page newPage(String label, Browser.NewContextOptions options, Browser in) {
        BrowserContext context = in.newContext(options);
        context.grantPermissions(List.of("camera", "microphone"));
        context.setDefaultTimeout(PATIENCE.toMillis());
        Page page = context.newPage();
        page.onConsoleMessage(m -> {
            switch (m.type()) {
                case "error", "warning" -> log.warn("[{}] console.{}: {}", label, m.type(), m.text());
                case "debug", "verbose" -> log.debug("[{}] console.{}: {}", label, m.type(), m.text());
                default -> log.info("[{}] console.{}: {}", label, m.type(), m.text());
            }
        });
        page.onPageError(e -> log.warn("[{}] page error: {}", label, e));
        page.onCrash(p -> log.error("[{}] page crashed", label));
        page.onClose(p -> context.close());
        return page;
    }

    /**
     * Makes {@code window.atriumTest} (src/test/resources/webrtc-test-helpers.js) available in the
     * current document and in every document the page loads later.
     */
    public static void installHelpers(Page page) {
        String script = helpersScript();
        page.addInitScript(script);
        page.evaluate(script);
    }

    /** The source of {@code window.atriumTest}, e.g. for an init script of a page that uses it before {@link #installHelpers}. */
    public static String helpersScript() {
        return resource(HELPERS);
    }

    /** Saves a full-page PNG as {@code server/target/screenshots/<name>.png} and returns its path. */
    public static Path screenshot(Page page, String name) {
        Path file = SCREENSHOTS.resolve(name + ".png");
        try {
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
        return file;
    }

    /** As {@link #waitFor(Page, String, Duration)} within {@link #PATIENCE}: a state the page reaches, however loaded the machine. */
    public static void waitFor(Page page, String jsPredicate) {
        waitFor(page, jsPredicate, PATIENCE);
    }

    /**
     * Waits until {@code counter} has not changed for {@code quiet} (e.g. packets that stopped arriving:
     * those in flight first drain), within {@code timeout}; {@code what} names it in the failure.
     */
    public static void waitForSteady(Page page, String what, java.util.function.LongSupplier counter, Duration quiet,
                                     Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = counter.getAsLong();
        long since = System.nanoTime();
        while (System.nanoTime() - since < quiet.toNanos()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " still changing after " + timeout.toSeconds() + " s (now " + last + ")");
            }
            page.waitForTimeout(POLL.toMillis()); // poll interval; keeps page events flowing
            long now = counter.getAsLong();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            }
        }
    }

    /**
     * Evaluates {@code jsPredicate}, a JS expression that may use {@code await}, until it returns
     * {@code true}. Any other value it returns, or the error it throws, is kept and reported if the
     * timeout passes, so a predicate can return what it saw: {@code s.video.framesDecoded > 10 || s}.
     */
    public static void waitFor(Page page, String jsPredicate, Duration timeout) {
        String fn = "async () => { try { return (" + jsPredicate + "); } catch (e) { return 'threw ' + e; } }";
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last;
        while (true) {
            try {
                last = page.evaluate(fn);
                if (Boolean.TRUE.equals(last)) {
                    return;
                }
            } catch (PlaywrightException e) { // e.g. the page is navigating
                last = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true after " + timeout.toMillis() + " ms: " + jsPredicate
                        + "\nlast value: " + last);
            }
            page.waitForTimeout(POLL.toMillis()); // unlike Thread.sleep, keeps page events flowing
        }
    }

    private static String resource(String name) {
        try (InputStream in = Chromium.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource missing: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
