package dev.watertight.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Tells each of a set of listeners of one event, in the order they were added, so that no
 * listener can break the one who tells: whatever a listener throws, an {@link Error} included,
 * is caught and counted, and the listeners after it are still told. This is the only place in the
 * library where listeners are called.
 *
 * <p><b>Cost.</b> Events are rare (state changes, rejections, timeouts), but a rejection can be
 * frequent under a flood, so telling allocates nothing: the listeners are one array read with a
 * plain volatile load, and the event is a non-capturing method reference with its arguments
 * passed beside it ({@code fanOut.tell(CompartmentListener::onRejected, name, rejection)}), which
 * the JVM makes once. With no listeners, telling is one field read and a length check.
 *
 * <p><b>Adding.</b> Listeners are added rarely (when a guard is built, or when a registry's
 * metrics or dashboard join), so the array is copied on write: an add builds a longer copy and
 * swaps it in with a compare-and-set, retrying if another add won. A teller sees the array as it
 * was when it started; an event told while an add runs may miss the new listener, never see a
 * half-built array.
 *
 * <p>Thread-safe.
 *
 * @param <L> the listeners' type
 */
public final class FanOut<L> {
    private static final Object[] NONE = {};
    private static final VarHandle LISTENERS;

    static {
        try {
            LISTENERS = MethodHandles.lookup().findVarHandle(FanOut.class, "listeners", Object[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Never changed in place: replaced by a copy. Read with a volatile load, as the field is volatile. */
    private volatile Object[] listeners;
    private final LongAdder failures = new LongAdder();

    /** A fan-out with no listener yet. */
    public FanOut() {
        this.listeners = NONE;
    }

    /**
     * A fan-out with these listeners, in this order.
     *
     * @param listeners the listeners; none may be null
     */
    public FanOut(List<? extends L> listeners) {
        Object[] copy = listeners.toArray();
        for (Object listener : copy) {
            Objects.requireNonNull(listener, "listener must not be null");
        }
        this.listeners = copy.length == 0 ? NONE : copy;
    }

    /**
     * Adds a listener after those there are.
     *
     * @param listener the listener
     */
    public void add(L listener) {
        Objects.requireNonNull(listener, "listener must not be null");
        for (;;) {
            Object[] current = listeners;
            Object[] grown = Arrays.copyOf(current, current.length + 1);
            grown[current.length] = listener;
            if (LISTENERS.compareAndSet(this, current, grown)) {
                return;
            }
        }
    }

    /** {@return how many times a listener threw, or a failure was counted with {@link #countFailure}} */
    public long failures() {
        return failures.sum();
    }

    /** Counts a failure of something else that is told on the same behalf (a guard's call timings, say). */
    public void countFailure() {
        failures.increment();
    }

    /**
     * Tells every listener of an event with one argument.
     *
     * @param event how a listener hears it, a method reference such as {@code Consumer::accept}
     * @param a the argument
     * @param <A> its type
     */
    @SuppressWarnings("unchecked") // the array holds only what add and the constructor took, all Ls
    public <A extends @Nullable Object> void tell(Event1<? super L, A> event, A a) {
        for (Object listener : listeners) {
            try {
                event.deliver((L) listener, a);
            } catch (Throwable failure) {
                failures.increment();
            }
        }
    }

    /**
     * Tells every listener of an event with two arguments.
     *
     * @param event how a listener hears it, such as {@code CompartmentListener::onRejected}
     * @param a the first argument
     * @param b the second argument
     * @param <A> the first's type
     * @param <B> the second's type
     */
    @SuppressWarnings("unchecked") // the array holds only what add and the constructor took, all Ls
    public <A extends @Nullable Object, B extends @Nullable Object> void tell(
            Event2<? super L, A, B> event, A a, B b) {
        for (Object listener : listeners) {
            try {
                event.deliver((L) listener, a, b);
            } catch (Throwable failure) {
                failures.increment();
            }
        }
    }

    /**
     * Tells every listener of an event with three arguments.
     *
     * @param event how a listener hears it, such as {@code CompartmentListener::onStateChange}
     * @param a the first argument
     * @param b the second argument
     * @param c the third argument
     * @param <A> the first's type
     * @param <B> the second's type
     * @param <C> the third's type
     */
    @SuppressWarnings("unchecked") // the array holds only what add and the constructor took, all Ls
    public <A extends @Nullable Object, B extends @Nullable Object, C extends @Nullable Object> void tell(
            Event3<? super L, A, B, C> event, A a, B b, C c) {
        for (Object listener : listeners) {
            try {
                event.deliver((L) listener, a, b, c);
            } catch (Throwable failure) {
                failures.increment();
            }
        }
    }

    /**
     * An event with one argument, as a listener hears it. Thread-safe as the method reference it
     * is.
     *
     * @param <L> the listener's type
     * @param <A> the argument's type
     */
    @FunctionalInterface
    public interface Event1<L, A extends @Nullable Object> {
        /**
         * Tells one listener.
         *
         * @param listener the listener
         * @param a the argument
         */
        void deliver(L listener, A a);
    }

    /**
     * An event with two arguments, as a listener hears it. Thread-safe as the method reference it
     * is.
     *
     * @param <L> the listener's type
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     */
    @FunctionalInterface
    public interface Event2<L, A extends @Nullable Object, B extends @Nullable Object> {
        /**
         * Tells one listener.
         *
         * @param listener the listener
         * @param a the first argument
         * @param b the second argument
         */
        void deliver(L listener, A a, B b);
    }

    /**
     * An event with three arguments, as a listener hears it. Thread-safe as the method reference
     * it is.
     *
     * @param <L> the listener's type
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <C> the third argument's type
     */
    @FunctionalInterface
    public interface Event3<L, A extends @Nullable Object, B extends @Nullable Object,
            C extends @Nullable Object> {
        /**
         * Tells one listener.
         *
         * @param listener the listener
         * @param a the first argument
         * @param b the second argument
         * @param c the third argument
         */
        void deliver(L listener, A a, B b, C c);
    }
}
