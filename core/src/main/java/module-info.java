/**
 * Watertight core: compartments that isolate the parts of a service from each other.
 *
 * <p>Only {@code dev.watertight} is exported; {@code dev.watertight.internal} holds the
 * implementations and may change at any time. The module needs no library, only modules of the
 * JDK itself: {@code java.management} and {@code jdk.management} for the per-thread CPU time and
 * allocation counters that resource accounting and CPU budgets read.
 */
module dev.watertight.core {
    // ObjectName appears in WatertightJmx's API, so a user of the module reads java.management too.
    requires transitive java.management;
    requires jdk.management;
    // The nullness annotations on the API: read by tools at compile time (a user compiling
    // against the module sees them too), never needed to run.
    requires static transitive org.jspecify;

    exports dev.watertight;
}
