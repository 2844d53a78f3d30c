package dev.watertight.demo;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code serve}: starts the shop and keeps it up until the process is stopped (Ctrl-C). */
final class ServeCommand implements Command {
    private static final Set<String> OPTIONS = Set.of("port", "mode", "jdbc-url", "jdbc-user", "jdbc-password", "report-ms", "admin-token");

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "start the shop and keep it up for exploring (Ctrl-C stops it)";
    }

    @Override
    public String usage() {
        return """
                  --port N                 port on 127.0.0.1 (default 8080; 0 for any free port)
                  --mode M                 compartments (default) or shared
                  --jdbc-url URL           a database instead of the embedded H2 (e.g. jdbc:postgresql://127.0.0.1:5432/test)
                  --jdbc-user USER         its user
                  --jdbc-password SECRET   its password
                  --report-ms N            how long the database takes over each report (default 1500)
                  --admin-token SECRET     require 'Authorization: Bearer SECRET' on /admin, /metrics, /api, /health (default none)
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out) throws Exception {
        Arguments arguments = Arguments.parse(args, OPTIONS);
        if (arguments.help()) {
            out.println("usage: serve [options]\n" + usage());
            return 0;
        }
        ShopService.Options options = options(arguments);
        ShopService shop = ShopService.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shop.close();
            stopped.countDown();
        }, "shop-shutdown"));
        printUrls(shop, out);
        stopped.await();
        return 0;
    }

    static ShopService.Options options(Arguments arguments) {
        String reportMs = arguments.text("report-ms", null);
        ShopService.Options options = ShopService.Options.defaults()
                .mode(arguments.mode("mode", Mode.COMPARTMENTS))
                .port(arguments.port("port", 8080))
                .database(arguments.text("jdbc-url", null), arguments.text("jdbc-user", null),
                        arguments.text("jdbc-password", null))
                .adminToken(arguments.text("admin-token", null));
        if (reportMs != null) {
            try {
                options = options.reportDelay(java.time.Duration.ofMillis(Long.parseLong(reportMs)));
            } catch (NumberFormatException notANumber) {
                throw new IllegalArgumentException("--report-ms must be a whole number of milliseconds, was '" + reportMs + "'");
            }
        }
        return options;
    }

    static void printUrls(ShopService shop, PrintStream out) {
        String base = shop.baseUri().toString();
        out.println("The shop is up (" + shop.mode().name().toLowerCase(java.util.Locale.ROOT) + "), at " + base);
        out.println("  shop:      POST " + base + "users {username,email}   GET " + base + "users/{id}");
        out.println("             POST " + base + "orders {userId,amount}    GET " + base + "reports/sales");
        out.println("  dashboard: " + base + "dashboard");
        out.println("  snapshot:  " + base + "api/snapshot  (live: " + base + "api/events)");
        out.println("  metrics:   " + base + "metrics");
        out.println("  health:    " + base + "health");
        out.println("  stubs:     " + base + "admin/stubs  (POST admin/stubs/{name} {latencyMs,failureRate})");
    }
}
