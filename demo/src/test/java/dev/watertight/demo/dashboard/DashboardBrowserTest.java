package dev.watertight.demo.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}),
 * over a real registry and the document the shop serves ({@link dev.watertight.demo.Snapshots}):
 * the page lists every compartment, shows the numbers of {@code /api/snapshot}, draws its charts,
 * and comes back after the stream drops. Leaves a
 * screenshot at {@code target/dashboard.png}. Skipped only when {@code /usr/bin/chromium} is absent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration INTERVAL = Duration.ofMillis(250);

    private static SampleCompartments sample;
    private static Dashboard dashboard;
    private static Javalin app;
    private static int port;
    private static Path profile;
    private static ChromeDriverService service;
    private static ChromeDriver browser;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void openTheDashboardInChromium() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM),
                "skipped: no Chromium at /usr/bin/chromium (apt-get install chromium chromium-driver to run it)");
        assertThat(CHROMEDRIVER).as("chromium is installed, so chromium-driver must be too").isExecutable();
        sample = new SampleCompartments();
        startServer(0);
        port = app.port();

        profile = Files.createTempDirectory("watertight-chromium-");
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,1400");
        browser = new ChromeDriver(service, options);
        browser.get(base() + Dashboard.PAGE);
    }

    @AfterAll
    static void closeEverything() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (app != null) {
            app.stop();
        }
        if (sample != null) {
            sample.close();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void listsEveryCompartmentWithTheNumbersOfTheSnapshot() {
        waitUntil("every compartment is listed and the stream is live", () ->
                browser.findElements(By.cssSelector("article[data-compartment]")).size() == sample.registry.compartments().size()
                        && "live".equals(browser.findElement(By.tagName("body")).getDomAttribute("data-connection")));

        // The registry stands still, so the page's last event and a snapshot fetched now agree.
        waitUntilEqual("the compartments' numbers", () -> expectedCompartments(fetchSnapshot()), DashboardBrowserTest::shownCompartments);

        Map<String, Map<String, String>> shown = shownCompartments();
        assertThat(shown.keySet()).containsExactlyInAnyOrder("user-ops", "reporting", "payments \"EU\"");
        assertThat(shown.get("user-ops")).containsEntry("kind", "bulkhead").containsEntry("limit", "3")
                .containsEntry("inUse", "1").containsEntry("rejected", "1").containsEntry("failed", "2")
                .containsEntry("health", "HEALTHY");
        assertThat(shown.get("reporting")).containsEntry("kind", "thread pool").containsEntry("limit", "1")
                .containsEntry("queueCapacity", "2").containsEntry("accepted", "5").containsEntry("rejected", "1")
                .containsEntry("breaker", "OPEN").containsEntry("notPermitted", "1").containsEntry("health", "UNHEALTHY");
    }

    @Test
    @Order(2)
    void showsHealthInColourWithItsReasonsOnHover() {
        WebElement reporting = card("reporting");
        WebElement health = reporting.findElement(By.cssSelector(".health"));
        waitUntil("reporting's health is shown", () -> health.getText().equals("UNHEALTHY"));

        assertThat(health.getDomAttribute("title")).isEqualTo("circuit breaker OPEN");
        assertThat(health.getCssValue("color")).isEqualTo("rgba(185, 28, 28, 1)"); // red
        assertThat(card("user-ops").findElement(By.cssSelector(".health")).getCssValue("color"))
                .isEqualTo("rgba(21, 128, 61, 1)"); // green
        assertThat(reporting.findElement(By.cssSelector(".breaker")).getText()).isEqualTo("breaker OPEN");
        assertThat(reporting.findElement(By.cssSelector(".breaker")).getCssValue("color")).isEqualTo("rgba(185, 28, 28, 1)");
    }

    @Test
    @Order(3)
    @SuppressWarnings("unchecked")
    void showsTheCpuAndTheBytesACompartmentUsed() {
        Map<String, Object> payments = ((List<Map<String, Object>>) fetchSnapshot().get("compartments")).stream()
                .filter(compartment -> "payments \"EU\"".equals(compartment.get("name"))).findFirst().orElseThrow();
        Map<String, Object> cpu = (Map<String, Object>) payments.get("cpu");
        Map<String, Object> resources = (Map<String, Object>) payments.get("resources");
        assertThat(((Number) cpu.get("cores")).doubleValue()).as("the payments compartment's CPU budget").isEqualTo(2.0);
        double cpuMillis = ((Number) resources.get("cpuTimeMs")).doubleValue();
        long allocated = ((Number) resources.get("allocatedBytes")).longValue();
        WebElement card = card("payments \"EU\"");
        waitUntil("payments shows its CPU", () -> card.getDomAttribute("data-cpu-millis") != null);

        assertThat(Double.parseDouble(card.getDomAttribute("data-cpu-millis"))).isEqualTo(cpuMillis);
        assertThat(Long.parseLong(card.getDomAttribute("data-allocated-bytes"))).isEqualTo(allocated).isNotNegative();
        List<WebElement> lines = card.findElements(By.cssSelector(".line")); // the guards, then the resources
        assertThat(lines.get(1).getText()).startsWith("CPU ").contains(" of 2 cores", "allocated ");
        // user-ops is not metered: no CPU or allocation line at all.
        assertThat(card("user-ops").getDomAttribute("data-cpu-millis")).isNull();
    }

    @Test
    @Order(4)
    void showsConnectionCompartmentsMemoryBudgetsAndEvents() {
        waitUntilEqual("the connection compartments' numbers", () -> expectedRows(fetchSnapshot(), "connections",
                List.of("limit", "reserved", "inUse", "waiting", "acquired", "acquireTimeouts", "connectionErrors")),
                () -> shownRows("tr[data-connection]", "connection"));
        // The acquire wait's p99 is only shown as text: 250 ms in the sample's analytics row.
        assertThat(browser.executeScript("return document.querySelector(\"tr[data-connection='analytics'] td:last-child\").textContent;"))
                .isEqualTo("250 ms");
        waitUntilEqual("the memory budgets' numbers", () -> expectedRows(fetchSnapshot(), "memory", List.of("budget", "reserved")),
                () -> shownRows("tr[data-memory]", "memory"));
        // Rows are rebuilt at each snapshot: read them in one script rather than through elements.
        assertThat(browser.executeScript("return document.querySelector(\"tr[data-memory='caches'] .bar span\").style.width;"))
                .isEqualTo("62.5%"); // 40 MiB of 64 MiB

        @SuppressWarnings("unchecked")
        List<String> kinds = (List<String>) browser.executeScript(
                "return Array.from(document.querySelectorAll('#events li')).map(item => item.dataset.kind);");
        assertThat(kinds).hasSize(((List<?>) fetchSnapshot().get("events")).size())
                .contains("REJECTED", "STATE_CHANGE");
    }

    @Test
    @Order(5)
    void drawsAChartOfTheLastMinuteForEveryCompartment() throws Exception {
        // user-ops fills up and rejects calls for a few snapshots, so its chart has something to show.
        int[][] rounds = {{0, 0}, {1, 0}, {2, 3}, {2, 8}, {1, 0}, {2, 5}, {0, 0}, {1, 0}};
        for (int[] round : rounds) {
            int rendersBefore = renders();
            try (AutoCloseable busy = sample.busy(round[0], round[1])) {
                // Two snapshots later, one was surely taken while busy.
                waitUntil("the page shows two more snapshots", () -> renders() >= rendersBefore + 2);
            }
        }
        waitUntil("every compartment has a drawn chart with points", () -> Boolean.TRUE.equals(browser.executeScript("""
                const cards = document.querySelectorAll('article[data-compartment]');
                return cards.length > 0 && Array.from(cards).every(card => {
                  const canvas = card.querySelector('.uplot canvas');
                  return canvas && canvas.width > 0 && canvas.height > 0
                      && card.querySelector('.u-legend') !== null;
                }) && Number(document.body.dataset.renders) >= 4;
                """)));
        assertThat(card("user-ops").findElement(By.cssSelector(".uplot canvas")).getSize().getWidth()).isPositive();

        Path screenshot = Path.of("target", "dashboard.png");
        Files.createDirectories(screenshot.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(screenshot)).isPositive();
    }

    @Test
    @Order(6)
    void reconnectsWhenTheStreamDropsEvenIfTheBrowserGaveUp() {
        waitUntil("the stream is live", () -> "live".equals(connection()));

        // The server goes away and something answers 503 in its place: a browser's EventSource
        // gives up for good on an error status, so only the page's own retry brings it back.
        app.stop();
        AtomicInteger refused = new AtomicInteger();
        Javalin outage = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.get(Dashboard.EVENTS, ctx -> {
                refused.incrementAndGet();
                ctx.status(503).result("down for maintenance");
            });
        }).start("127.0.0.1", port);
        try {
            waitUntil("the page was refused", () -> refused.get() > 0 && !"live".equals(connection()));
        } finally {
            outage.stop();
        }
        startServer(port);
        int rendersBefore = renders();

        new WebDriverWait(browser, Duration.ofSeconds(30)).withMessage("waiting until the page is live again")
                .until(driver -> "live".equals(connection()) && renders() > rendersBefore);
        assertThat(dashboard.clients()).isEqualTo(1);
    }

    // ---- the server ------------------------------------------------------------------------------

    private static void startServer(int onPort) {
        if (dashboard != null) {
            dashboard.close();
        }
        dashboard = Dashboard.of(sample.snapshot()::json, INTERVAL);
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            dashboard.accept(config);
        }).start("127.0.0.1", onPort);
    }

    private static String base() {
        return "http://127.0.0.1:" + port;
    }

    private static Map<String, Object> fetchSnapshot() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base() + Dashboard.SNAPSHOT)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return new Json().toType(response.body(), Json.MAP_TYPE);
        } catch (IOException e) {
            throw new AssertionError("cannot fetch the snapshot", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    // ---- what the snapshot says, by the rule the page documents ----------------------------------

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, String>> expectedCompartments(Map<String, Object> snapshot) {
        Map<String, Map<String, String>> expected = new TreeMap<>();
        for (Map<String, Object> compartment : (List<Map<String, Object>>) snapshot.get("compartments")) {
            Map<String, Object> pool = (Map<String, Object>) compartment.get("threadPool");
            Map<String, Object> bulkhead = (Map<String, Object>) compartment.get("bulkhead");
            Map<String, Object> breaker = (Map<String, Object>) compartment.get("circuitBreaker");
            Map<String, Object> health = (Map<String, Object>) compartment.get("health");
            Map<String, String> figures = new TreeMap<>();
            if (pool != null) {
                put(figures, "kind", "thread pool");
                put(figures, "limit", pool.get("threads"));
                put(figures, "inUse", pool.get("activeThreads"));
                put(figures, "queued", pool.get("queued"));
                put(figures, "queueCapacity", pool.get("queueCapacity"));
                put(figures, "accepted", pool.get("submitted"));
                put(figures, "rejected", pool.get("rejected"));
                put(figures, "failed", pool.get("failed"));
            } else {
                put(figures, "kind", "bulkhead");
                put(figures, "limit", bulkhead.get("maxConcurrent"));
                put(figures, "inUse", bulkhead.get("inUse"));
                put(figures, "queued", bulkhead.get("waiting"));
                put(figures, "accepted", bulkhead.get("accepted"));
                put(figures, "rejected", bulkhead.get("rejected"));
                put(figures, "failed", bulkhead.get("failed"));
            }
            put(figures, "breaker", breaker == null ? null : breaker.get("state"));
            put(figures, "notPermitted", breaker == null ? null : breaker.get("notPermitted"));
            put(figures, "health", health == null ? null : health.get("health"));
            put(figures, "reasons", health == null ? null : String.join("\n", (List<String>) health.get("reasons")));
            expected.put((String) compartment.get("name"), figures);
        }
        return expected;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, String>> expectedRows(Map<String, Object> snapshot, String section, List<String> keys) {
        Map<String, Map<String, String>> expected = new TreeMap<>();
        for (Map<String, Object> row : (List<Map<String, Object>>) snapshot.get(section)) {
            Map<String, String> figures = new TreeMap<>();
            keys.forEach(key -> put(figures, key, row.get(key)));
            expected.put((String) row.get("name"), figures);
        }
        return expected;
    }

    private static void put(Map<String, String> figures, String key, Object value) {
        if (value != null) {
            figures.put(key, String.valueOf(value));
        }
    }

    // ---- what the page shows ---------------------------------------------------------------------

    // Each card's data-* values, checked against the text it shows; read in one script so that
    // an update cannot land between two reads.
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, String>> shownCompartments() {
        List<Map<String, Object>> cards = (List<Map<String, Object>>) browser.executeScript("""
                return Array.from(document.querySelectorAll('article[data-compartment]')).map(card => ({
                  data: Object.assign({}, card.dataset),
                  shown: Object.fromEntries(Array.from(card.querySelectorAll('dd[data-field]'))
                      .map(dd => [dd.dataset.field, {value: dd.dataset.value, text: dd.textContent}]))
                }));
                """);
        Map<String, Map<String, String>> shown = new TreeMap<>();
        for (Map<String, Object> card : cards) {
            Map<String, String> data = new TreeMap<>((Map<String, String>) card.get("data"));
            String name = data.remove("compartment");
            data.remove("cpuMillis");
            data.remove("allocatedBytes");
            // The text shown must be the value (with grouping), or "queued / capacity".
            ((Map<String, Map<String, String>>) card.get("shown")).forEach((field, dd) -> {
                String expectedText = dd.get("value") == null ? "—" : String.format("%,d", Long.parseLong(dd.get("value")));
                if (dd.get("text").startsWith(expectedText)) {
                    data.put(field, dd.get("value"));
                } else {
                    data.put(field, "shown as '" + dd.get("text") + "' but valued " + dd.get("value"));
                }
            });
            shown.put(name, data);
        }
        // The queue capacity is only shown as text: take it from there.
        shown.forEach((name, data) -> {
            String queued = card(name).findElement(By.cssSelector("dd[data-field='queued']")).getText();
            if (queued.contains(" / ")) {
                data.put("queueCapacity", queued.substring(queued.indexOf(" / ") + 3).replace(",", ""));
            }
        });
        return shown;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, String>> shownRows(String selector, String nameAttribute) {
        List<Map<String, String>> rows = (List<Map<String, String>>) browser.executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(row => Object.assign({}, row.dataset));",
                selector);
        Map<String, Map<String, String>> shown = new TreeMap<>();
        for (Map<String, String> row : rows) {
            Map<String, String> data = new TreeMap<>(row);
            shown.put(data.remove(nameAttribute), data);
        }
        return shown;
    }

    private static WebElement card(String name) {
        return browser.findElements(By.cssSelector("article[data-compartment]")).stream()
                .filter(card -> name.equals(card.getDomAttribute("data-compartment")))
                .findFirst().orElseThrow(() -> new AssertionError("no card for " + name));
    }

    private static String connection() {
        return browser.findElement(By.tagName("body")).getDomAttribute("data-connection");
    }

    private static int renders() {
        return Integer.parseInt(browser.findElement(By.tagName("body")).getDomAttribute("data-renders"));
    }

    // ---- waiting ---------------------------------------------------------------------------------

    private static void waitUntil(String what, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, WAIT).withMessage(() -> "waiting until " + what).until(driver -> condition.getAsBoolean());
    }

    private static <T> void waitUntilEqual(String what, java.util.function.Supplier<T> expected, java.util.function.Supplier<T> shown) {
        Map<String, Object> last = new LinkedHashMap<>();
        new WebDriverWait(browser, WAIT)
                .withMessage(() -> what + ": the page shows " + last.get("shown") + " but the snapshot says " + last.get("expected"))
                .until(driver -> {
                    T wanted = expected.get();
                    T got = shown.get();
                    last.put("expected", wanted);
                    last.put("shown", got);
                    return wanted.equals(got);
                });
    }
}
