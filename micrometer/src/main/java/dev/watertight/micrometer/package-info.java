/**
 * Watertight's stats in Micrometer: {@link dev.watertight.micrometer.WatertightMetrics} binds
 * guards and compartments to a {@code MeterRegistry}.
 */
package dev.watertight.micrometer;
