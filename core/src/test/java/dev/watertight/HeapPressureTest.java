package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.pressure.HeapPressureChild;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeapPressureTest {

    @Test
    void levelsRiseAtTheirThresholdsAndFallOnlyBelowTheHysteresis() {
        HeapPressure heap = HeapPressure.monitor().elevatedAt(0.80).severeAt(0.90).hysteresis(0.10).build();
        heap.close(); // readings are given by hand here
        List<HeapPressure.Level> changes = new CopyOnWriteArrayList<>();
        heap.onChange(changes::add);

        double[] readings = {0.50, 0.79, 0.80, 0.75, 0.71, 0.69, 0.95, 0.85, 0.81, 0.79, 0.60};
        List<HeapPressure.Level> levels = new ArrayList<>();
        for (double reading : readings) {
            heap.observe(reading);
            levels.add(heap.level());
        }

        assertThat(levels).containsExactly(
                HeapPressure.Level.NONE, HeapPressure.Level.NONE, HeapPressure.Level.ELEVATED,
                HeapPressure.Level.ELEVATED, HeapPressure.Level.ELEVATED, HeapPressure.Level.NONE,
                HeapPressure.Level.SEVERE, HeapPressure.Level.SEVERE, HeapPressure.Level.SEVERE,
                HeapPressure.Level.ELEVATED, HeapPressure.Level.NONE);
        assertThat(changes).as("a reading that hovers does not flap").containsExactly(
                HeapPressure.Level.ELEVATED, HeapPressure.Level.NONE, HeapPressure.Level.SEVERE,
                HeapPressure.Level.ELEVATED, HeapPressure.Level.NONE);
    }

    @Test
    void theLeastCriticalWorkIsShedFirst() {
        HeapPressure heap = HeapPressure.manual();

        heap.set(HeapPressure.Level.ELEVATED);
        heap.observe(0.83);
        assertThatThrownBy(() -> heap.admit("reporting", Criticality.SHEDDABLE))
                .isInstanceOf(HeapPressureException.class)
                .isInstanceOf(CompartmentRejectedException.class)
                .hasMessage("Compartment 'reporting' (SHEDDABLE) is shed: the heap is ELEVATED, 83 % full after the last collection");
        heap.admit("orders", Criticality.DEFAULT);
        heap.admit("payments", Criticality.CRITICAL);

        heap.set(HeapPressure.Level.SEVERE);
        assertThat(heap.admits(Criticality.DEFAULT)).isFalse();
        assertThat(heap.admits(Criticality.CRITICAL)).isTrue();

        heap.set(HeapPressure.Level.NONE);
        assertThat(heap.admits(Criticality.SHEDDABLE)).isTrue();
    }

    @Test
    void aForkedJvmWithASmallHeapShedsAndRecovers() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), HeapPressureChild.class.getName())
                .redirectErrorStream(true)
                .start();
        boolean ended = child.waitFor(60, TimeUnit.SECONDS);
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ended) {
            child.destroyForcibly();
        }

        assertThat(ended).as("the child ended; it printed:%n%s", output).isTrue();
        assertThat(child.exitValue()).as("the child's exit; it printed:%n%s", output).isZero();
        assertThat(output.lines()).containsExactly(
                "severe: SHEDDABLE=shed DEFAULT=shed CRITICAL=admitted",
                "elevated: SHEDDABLE=shed DEFAULT=admitted CRITICAL=admitted",
                "none: SHEDDABLE=admitted DEFAULT=admitted CRITICAL=admitted");
    }

    @Test
    void badThresholdsFailWithPreciseMessages() {
        assertThatThrownBy(() -> HeapPressure.monitor().elevatedAt(0.9).severeAt(0.8).build())
                .hasMessage("severeAt of HeapPressure 'heap' must be at least elevatedAt 0.9, was 0.8");
        assertThatThrownBy(() -> HeapPressure.monitor().elevatedAt(1.5))
                .hasMessage("elevatedAt must be between 0.05 and 1.0, was 1.5");
        assertThatThrownBy(() -> HeapPressure.monitor().hysteresis(0.6))
                .hasMessage("hysteresis must be between 0.0 and 0.5, was 0.6");
    }
}
