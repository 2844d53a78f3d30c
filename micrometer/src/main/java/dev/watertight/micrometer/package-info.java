/**
 * Watertight's stats in Micrometer: {@link dev.watertight.micrometer.WatertightMetrics} binds
 * guards and compartments to a {@code MeterRegistry}.
 */
@NullMarked
package dev.watertight.micrometer;

import org.jspecify.annotations.NullMarked;
