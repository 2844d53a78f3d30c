/**
 * Implementations of the guards in {@code dev.watertight}. Not exported by the module and not
 * part of the API: names and behaviour here may change in any release.
 */
package dev.watertight.internal;
