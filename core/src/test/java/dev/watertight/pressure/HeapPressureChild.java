package dev.watertight.pressure;

import dev.watertight.Criticality;
import dev.watertight.HeapPressure;
import dev.watertight.HeapPressureException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The program {@code HeapPressureForkedTest} runs in a JVM of its own with a small heap: it fills
 * the heap until the pressure is severe, empties it by steps, and prints what each criticality was
 * told at each level. It exits with 1 at the first surprise.
 */
public final class HeapPressureChild {
    private static final int CHUNK = 256 * 1024;

    private HeapPressureChild() {
    }

    /**
     * Runs the scenario.
     *
     * @param args none
     * @throws Exception if waiting is interrupted
     */
    public static void main(String[] args) throws Exception {
        HeapPressure heap = HeapPressure.monitor().elevatedAt(0.5).severeAt(0.7).hysteresis(0.2).build();
        BlockingQueue<HeapPressure.Level> changes = new LinkedBlockingQueue<>();
        heap.onChange(changes::add);
        long max = Runtime.getRuntime().maxMemory();
        List<byte[]> hog = new ArrayList<>();

        fillTo(hog, max, 0.78);
        expect(heap, changes, HeapPressure.Level.SEVERE);
        report(heap, "severe");

        shrinkTo(hog, max, 0.40);
        expect(heap, changes, HeapPressure.Level.ELEVATED); // 0.40 is above 0.5 - 0.2: still elevated
        report(heap, "elevated");

        hog.clear();
        expect(heap, changes, HeapPressure.Level.NONE);
        report(heap, "none");
        heap.close();
    }

    private static void fillTo(List<byte[]> hog, long max, double fraction) {
        while ((long) hog.size() * CHUNK < fraction * max) {
            hog.add(new byte[CHUNK]);
        }
    }

    private static void shrinkTo(List<byte[]> hog, long max, double fraction) {
        while (!hog.isEmpty() && (long) hog.size() * CHUNK > fraction * max) {
            hog.remove(hog.size() - 1);
        }
    }

    /** Collects, then waits for the JVM's notification to move the level where it should be. */
    private static void expect(HeapPressure heap, BlockingQueue<HeapPressure.Level> changes, HeapPressure.Level wanted)
            throws InterruptedException {
        for (int attempt = 0; attempt < 5 && heap.level() != wanted; attempt++) {
            System.gc();
            HeapPressure.Level seen;
            while ((seen = changes.poll(2, TimeUnit.SECONDS)) != null && seen != wanted) {
                // an intermediate level on the way
            }
        }
        if (heap.level() != wanted) {
            fail("expected " + wanted + " but the pressure is " + heap);
        }
    }

    private static void report(HeapPressure heap, String label) {
        StringBuilder line = new StringBuilder(label).append(':');
        for (Criticality criticality : Criticality.values()) {
            try {
                heap.admit("work", criticality);
                line.append(' ').append(criticality).append("=admitted");
            } catch (HeapPressureException shed) {
                line.append(' ').append(criticality).append("=shed");
            }
        }
        System.out.println(line);
    }

    private static void fail(String why) {
        System.out.println("FAILED: " + why);
        System.exit(1);
    }
}
