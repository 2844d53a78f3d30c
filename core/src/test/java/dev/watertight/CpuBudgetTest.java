package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.testing.ManualTimeSource;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CpuBudgetTest {

    @Test
    void aCompartmentCappedAtHalfACoreUsesHalfACoreAndItsNeighbourKeepsItsLatency() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CpuBudget reporting = CpuBudget.builder("reporting").cores(0.5).window(Duration.ofMillis(100))
                .maxWait(Duration.ofSeconds(30)).build();
        long idleLatency = lightLatencyNanos(200);

        AtomicBoolean burning = new AtomicBoolean(true);
        CountDownLatch started = new CountDownLatch(2);
        List<Thread> burners = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            burners.add(Thread.ofPlatform().name("reporting-" + i).start(() -> {
                started.countDown();
                while (burning.get()) {
                    try {
                        reporting.call(() -> {
                            ResourceMeterTest.CpuBurner.burn(Duration.ofMillis(5));
                            return null;
                        });
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
            }));
        }
        started.await();
        long[] cpuBefore = burners.stream().mapToLong(thread -> threads.getThreadCpuTime(thread.threadId())).toArray();
        long wallBefore = System.nanoTime();
        long busyLatency = lightLatencyNanos(1_500); // runs a few seconds while reporting burns
        long wall = System.nanoTime() - wallBefore;
        long cpu = 0;
        for (int i = 0; i < burners.size(); i++) {
            cpu += threads.getThreadCpuTime(burners.get(i).threadId()) - cpuBefore[i];
        }
        burning.set(false);
        for (Thread burner : burners) {
            burner.join();
        }

        double cores = (double) cpu / wall;
        System.out.printf("CpuBudget 0.5 cores: measured %.3f cores over %d ms; light task p50 idle %d us, while capped %d us%n",
                cores, wall / 1_000_000, idleLatency / 1_000, busyLatency / 1_000);
        assertThat(wall).as("measured over a few seconds").isGreaterThan(Duration.ofSeconds(2).toNanos());
        assertThat(cores).as("within 15 %% of the cap").isBetween(0.425, 0.575);
        assertThat(busyLatency).as("the light compartment's median latency stays near its idle value")
                .isLessThanOrEqualTo(Math.max(2 * idleLatency, idleLatency + 200_000));
        assertThat(reporting.stats().waited()).as("reporting was held back").isPositive();
    }

    /** The median time of a small piece of CPU work, run {@code rounds} times with short pauses. */
    private static long lightLatencyNanos(int rounds) {
        long[] latencies = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            ResourceMeterTest.CpuBurner.burn(Duration.ofNanos(200_000));
            latencies[i] = System.nanoTime() - start;
            java.util.concurrent.locks.LockSupport.parkNanos(1_500_000); // a request now and then, not a spin
        }
        Arrays.sort(latencies);
        return latencies[rounds / 2];
    }

    @Test
    void overBudgetACallIsRefusedWhenThePolicySaysSo() {
        ManualTimeSource clock = new ManualTimeSource();
        CpuBudget reporting = CpuBudget.builder("reporting").cores(0.5).window(Duration.ofMillis(1000))
                .whenOver(CpuBudget.WhenOver.REFUSE).timeSource(clock).build();

        reporting.admit();
        reporting.charge(Duration.ofMillis(615).toNanos()); // 1230 ms of budget at 0.5 cores

        assertThatThrownBy(reporting::admit)
                .isInstanceOf(CpuBudgetExceededException.class)
                .isInstanceOf(CompartmentRejectedException.class)
                .hasMessage("CpuBudget 'reporting' is over its 0.5 cores: its CPU use runs 230 ms ahead of the rate "
                        + "beyond its window of 1000 ms; refused without waiting");
        clock.advance(230, java.util.concurrent.TimeUnit.MILLISECONDS);
        reporting.admit(); // within the budget again
        assertThat(reporting.stats().admitted()).isEqualTo(2);
        assertThat(reporting.stats().refused()).isEqualTo(1);
        assertThat(reporting.stats().cpuTime()).isEqualTo(Duration.ofMillis(615));
    }

    @Test
    void anIdleCompartmentDoesNotBankCredit() {
        ManualTimeSource clock = new ManualTimeSource();
        CpuBudget reporting = CpuBudget.builder("reporting").cores(1).window(Duration.ofMillis(100))
                .whenOver(CpuBudget.WhenOver.REFUSE).timeSource(clock).build();

        clock.advance(1, java.util.concurrent.TimeUnit.HOURS);
        reporting.charge(Duration.ofMillis(150).toNanos());

        assertThatThrownBy(reporting::admit).isInstanceOf(CpuBudgetExceededException.class);
    }

    @Test
    void badSettingsFailWithPreciseMessages() {
        assertThatThrownBy(() -> CpuBudget.builder("reporting").cores(0))
                .hasMessage("cores must be between 0.001 and 1024.0, was 0.0");
        assertThatThrownBy(() -> CpuBudget.builder("reporting").cores(Double.NaN))
                .hasMessageStartingWith("cores must be");
        assertThatThrownBy(() -> CpuBudget.builder("reporting").build())
                .hasMessage("cores of CpuBudget 'reporting' must be set, from 0.001 to 1024");
        assertThatThrownBy(() -> CpuBudget.builder("reporting").window(Duration.ZERO))
                .hasMessageStartingWith("window must be between");
        assertThatThrownBy(() -> CpuBudget.builder("reporting").maxWait(Duration.ofMillis(-1)))
                .hasMessageStartingWith("maxWait must be between");
    }
}
