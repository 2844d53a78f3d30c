package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResourceMeterTest {
    private static final int MIB = 1024 * 1024;
    /** Keeps the arrays reachable so the allocation cannot be optimized away. */
    private static volatile Object sink;

    @Test
    void aKnownAllocationIsAttributedToTheCompartmentThatMadeIt() throws Exception {
        ResourceMeter reports = ResourceMeter.builder("reports").build();
        ResourceMeter users = ResourceMeter.builder("users").build();

        reports.call(() -> {
            for (int i = 0; i < 10; i++) {
                sink = new byte[MIB];
            }
            return null;
        });
        users.run(() -> sink = new byte[16]);

        long reported = reports.stats().allocatedBytes();
        assertThat(reported).as("10 MiB of arrays, within 5 %").isBetween(10L * MIB, 10L * MIB * 105 / 100);
        assertThat(users.stats().allocatedBytes()).as("the other compartment's own small allocation only").isLessThan(64 * 1024);
        assertThat(reports.stats().calls()).isEqualTo(1);
    }

    @Test
    void cpuTimeIsAttributedToTheCompartmentThatUsedIt() {
        ResourceMeter reports = ResourceMeter.builder("reports").allocation(false).build();
        ResourceMeter users = ResourceMeter.builder("users").allocation(false).build();
        long wallBefore = System.nanoTime();

        reports.run(() -> CpuBurner.burn(Duration.ofMillis(50)));
        long wall = System.nanoTime() - wallBefore;
        users.run(() -> { });

        Duration cpu = reports.stats().cpuTime();
        assertThat(cpu).isGreaterThanOrEqualTo(Duration.ofMillis(50)).isLessThanOrEqualTo(Duration.ofNanos(wall));
        assertThat(users.stats().cpuTime()).isLessThan(Duration.ofMillis(5));
        assertThat(reports.stats().allocatedBytes()).as("not measured").isEqualTo(-1);
    }

    @Test
    void workOnAVirtualThreadIsCountedButNotMeasured() throws Exception {
        ResourceMeter meter = ResourceMeter.builder("virtual").build();
        Thread.ofVirtual().start(() -> meter.run(() -> sink = new byte[MIB])).join();

        assertThat(meter.stats().calls()).isEqualTo(1);
        assertThat(meter.stats().unmeasured()).isEqualTo(1);
        assertThat(meter.stats().allocatedBytes()).isZero();
    }

    @Test
    void aMeterMustMeasureSomething() {
        assertThatThrownBy(() -> ResourceMeter.builder("reports").cpu(false).allocation(false).build())
                .hasMessage("ResourceMeter 'reports' must measure cpu, allocation or both, was neither");
    }

    /** Burns CPU on the calling thread, measured by the thread's own CPU clock. */
    static final class CpuBurner {
        private static volatile long blackhole;

        static void burn(Duration cpu) {
            var threads = ManagementFactory.getThreadMXBean();
            long end = threads.getCurrentThreadCpuTime() + cpu.toNanos();
            long x = 0;
            while (threads.getCurrentThreadCpuTime() < end) {
                for (int i = 0; i < 10_000; i++) {
                    x += i * 31L ^ (x >>> 3);
                }
            }
            blackhole = x;
        }
    }
}
