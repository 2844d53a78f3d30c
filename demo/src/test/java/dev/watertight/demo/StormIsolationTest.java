package dev.watertight.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watertight.demo.storm.ComparisonTable;
import dev.watertight.demo.storm.Operation;
import dev.watertight.demo.storm.OperationSummary;
import dev.watertight.demo.storm.Storm;
import dev.watertight.demo.storm.StormReport;
import dev.watertight.demo.storm.StormRun;
import dev.watertight.demo.storm.Timeline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The storm, shortened, against the shop built both ways in the same run. With compartments,
 * signups and orders keep their calm latency through the reporting flood and none fails; with
 * one shared pool they do not. Asserted as ratios of each build's own calm phase, so the speed of
 * the machine cancels out. The figures are written to {@code target/storm-isolation.txt}.
 */
class StormIsolationTest {
    /** Below this, a calm p99 is taken as this: a 2x bound on a few milliseconds would measure GC pauses. */
    private static final double CALM_FLOOR_MS = 20;

    @Test
    void compartmentsKeepSignupsAndOrdersCalmThroughTheFloodAndTheSharedPoolDoesNot() throws Exception {
        StormRun shared = storm(Mode.SHARED);
        StormRun compartments = storm(Mode.COMPARTMENTS);

        StringBuilder figures = new StringBuilder(ComparisonTable.of(shared, compartments)).append('\n');
        for (Operation operation : List.of(Operation.SIGNUP, Operation.ORDER)) {
            figures.append(DemoCommand.isolation(operation, shared, compartments)).append('\n');
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/storm-isolation.txt"), figures, StandardCharsets.UTF_8);
        StormReport.write(Path.of("target/storm-isolation.html"), List.of(shared, compartments));
        System.out.print(figures);

        for (Operation operation : List.of(Operation.SIGNUP, Operation.ORDER)) {
            OperationSummary calm = compartments.in("calm", operation);
            OperationSummary flood = compartments.in("reporting flood", operation);
            assertThat(flood.failed() + flood.rejected()).as("%s not served during the flood, with compartments", operation)
                    .isZero();
            assertThat(flood.p99Ms()).as("%s p99 during the flood, with compartments (calm %.1f ms)", operation, calm.p99Ms())
                    .isLessThanOrEqualTo(2 * Math.max(calm.p99Ms(), CALM_FLOOR_MS));

            OperationSummary sharedCalm = shared.in("calm", operation);
            OperationSummary sharedFlood = shared.in("reporting flood", operation);
            boolean sank = sharedFlood.failed() + sharedFlood.rejected() > 0
                    || sharedFlood.p99Ms() > 2 * Math.max(sharedCalm.p99Ms(), CALM_FLOOR_MS);
            assertThat(sank).as(String.format(Locale.ROOT, "%s with one shared pool: calm p99 %.1f ms, flood p99 %.1f ms, %d not served",
                    operation, sharedCalm.p99Ms(), sharedFlood.p99Ms(), sharedFlood.failed() + sharedFlood.rejected())).isTrue();
        }
    }

    private static StormRun storm(Mode mode) throws Exception {
        try (ShopService shop = ShopService.start(ShopService.Options.defaults().mode(mode).port(0))) {
            return new Storm(shop.baseUri(), Timeline.standard(Duration.ofSeconds(16)), Duration.ofSeconds(10))
                    .run(mode.name().toLowerCase(Locale.ROOT), line -> { });
        }
    }
}
