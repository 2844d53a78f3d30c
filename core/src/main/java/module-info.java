/**
 * Watertight core: compartments that isolate the parts of a service from each other.
 *
 * <p>Only {@code dev.watertight} is exported; {@code dev.watertight.internal} holds the
 * implementations and may change at any time. The module needs no library, only modules of the
 * JDK itself: {@code java.management} and {@code jdk.management} for the per-thread CPU time and
 * allocation counters that resource accounting and CPU budgets read.
 */
module dev.watertight.core {
    requires java.management;
    requires jdk.management;

    exports dev.watertight;
}
