/**
 * Watertight core: compartments that isolate the parts of a service from each other.
 *
 * <p>Only {@code dev.watertight} is exported; {@code dev.watertight.internal} holds the
 * implementations and may change at any time. The module has no dependencies beyond
 * {@code java.base}.
 */
module dev.watertight.core {
    exports dev.watertight;
}
