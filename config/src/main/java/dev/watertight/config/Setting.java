package dev.watertight.config;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * One setting a configuration file may give a guard's builder: reads the text and hands the
 * value to the builder, which validates it and names the setting in its message when the value
 * is not allowed.
 *
 * @param <B> the builder's type
 */
@FunctionalInterface
interface Setting<B> {

    /**
     * Reads the text and applies it to the builder.
     *
     * @throws IllegalArgumentException saying what is wrong and what is allowed
     */
    void apply(B builder, String text);

    static <B> Setting<B> wholeNumber(BiConsumer<B, Integer> setter) {
        return (builder, text) -> setter.accept(builder, Values.wholeNumber(text));
    }

    static <B> Setting<B> decimal(BiConsumer<B, Double> setter) {
        return (builder, text) -> setter.accept(builder, Values.decimal(text));
    }

    static <B> Setting<B> bool(BiConsumer<B, Boolean> setter) {
        return (builder, text) -> setter.accept(builder, Values.bool(text));
    }

    static <B> Setting<B> duration(BiConsumer<B, Duration> setter) {
        return (builder, text) -> setter.accept(builder, Values.duration(text));
    }
}
