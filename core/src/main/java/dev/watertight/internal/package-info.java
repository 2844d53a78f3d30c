/**
 * Implementations of the guards in {@code dev.watertight}. Not exported by the module and not
 * part of the API: names and behaviour here may change in any release.
 */
@NullMarked
package dev.watertight.internal;

import org.jspecify.annotations.NullMarked;
