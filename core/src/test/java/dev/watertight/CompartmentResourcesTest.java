package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.testing.ManualTimeSource;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Shedding, CPU budgets and resource accounting in a composed {@link Compartment}. */
class CompartmentResourcesTest {
    private static volatile Object sink;

    @Test
    void underHeapPressureTheSheddableCompartmentIsRefusedBeforeAnyGuardAndTheCriticalOneWorks() throws Exception {
        HeapPressure heap = HeapPressure.manual();
        Bulkhead reportsBulkhead = Bulkhead.of("reporting", 2);
        Compartment reports = Compartment.builder("reporting")
                .shedUnder(heap).criticality(Criticality.SHEDDABLE)
                .retry(Retry.builder("reporting").maxAttempts(3).build())
                .bulkhead(reportsBulkhead)
                .build();
        Compartment payments = Compartment.builder("payment")
                .shedUnder(heap).criticality(Criticality.CRITICAL)
                .bulkhead(Bulkhead.of("payment", 2))
                .build();
        AtomicInteger ran = new AtomicInteger();

        heap.set(HeapPressure.Level.SEVERE);

        assertThatThrownBy(() -> reports.call(ran::incrementAndGet))
                .isInstanceOf(HeapPressureException.class)
                .hasMessageStartingWith("Compartment 'reporting' (SHEDDABLE) is shed: the heap is SEVERE");
        assertThatThrownBy(() -> reports.callAsync(() -> java.util.concurrent.CompletableFuture.completedFuture(1)).get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(HeapPressureException.class);
        assertThat(payments.call(ran::incrementAndGet)).isEqualTo(1);
        assertThat(reportsBulkhead.stats().accepted()).as("no guard was touched").isZero();
        assertThat(reports.stats().retry().calls()).as("nor seen by the retry").isZero();

        heap.set(HeapPressure.Level.NONE);
        assertThat(reports.call(ran::incrementAndGet)).isEqualTo(2);
        assertThat(reports.toString()).isEqualTo("Compartment[reporting: shed under heap pressure (SHEDDABLE) -> "
                + "retry 'reporting' -> bulkhead 'reporting' (2) -> call]");
    }

    @Test
    void aMeteredCompartmentShowsItsCpuAndAllocationInItsStats() throws Exception {
        ThreadPoolBulkhead pool = ThreadPoolBulkhead.of("reporting", 1, 4);
        try {
            Compartment reports = Compartment.builder("reporting")
                    .threadPool(pool)
                    .meter(ResourceMeter.builder("reporting").build())
                    .build();

            reports.call(() -> {
                for (int i = 0; i < 10; i++) {
                    sink = new byte[1024 * 1024];
                }
                return null;
            });

            ResourceStats used = reports.stats().resources();
            assertThat(used.calls()).isEqualTo(1);
            assertThat(used.allocatedBytes()).as("10 MiB allocated on the pool's thread, within 5 %%")
                    .isBetween(10L << 20, (10L << 20) * 105 / 100);
            assertThat(used.cpuTime()).isPositive();
            assertThat(reports.toString()).endsWith("-> resource meter -> call]");
        } finally {
            pool.close();
        }
    }

    @Test
    void aCompartmentOverItsCpuBudgetIsRefusedBeforeTakingAPermit() throws Exception {
        ManualTimeSource clock = new ManualTimeSource();
        CpuBudget budget = CpuBudget.builder("reporting").cores(0.5).window(Duration.ofMillis(10))
                .whenOver(CpuBudget.WhenOver.REFUSE).timeSource(clock).build();
        Bulkhead bulkhead = Bulkhead.of("reporting", 1);
        Compartment reports = Compartment.builder("reporting").bulkhead(bulkhead).cpuBudget(budget).build();

        reports.call(() -> {
            ResourceMeterTest.CpuBurner.burn(Duration.ofMillis(20)); // 40 ms of budget at 0.5 cores
            return null;
        });

        assertThat(reports.stats().cpuBudget().cpuTime()).isGreaterThanOrEqualTo(Duration.ofMillis(20));
        assertThatThrownBy(() -> reports.call(() -> 1)).isInstanceOf(CpuBudgetExceededException.class);
        assertThat(bulkhead.stats().accepted()).as("the refused call took no permit").isEqualTo(1);
        clock.advance(1, TimeUnit.SECONDS);
        assertThat(reports.call(() -> 2)).isEqualTo(2);
        assertThat(reports.toString()).isEqualTo("Compartment[reporting: cpu budget 0.5 cores -> bulkhead 'reporting' (1) -> call]");
    }
}
