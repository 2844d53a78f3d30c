/**
 * A service's compartments read from one YAML file: {@link dev.watertight.config.WatertightYaml}
 * reads a file into a {@link dev.watertight.WatertightConfig}, reporting every problem at once
 * with the path and line of each, and {@link dev.watertight.config.ConfigWatcher} applies the file
 * again to a running registry whenever it changes.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its documentation says so.
 */
@NullMarked
package dev.watertight.config;

import org.jspecify.annotations.NullMarked;
