package dev.watertight.jdbc;

import dev.watertight.WatertightJmx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.management.ObjectName;

/**
 * Registers connection compartments as MXBeans in the platform MBean server, next to the core's
 * guards and under the same naming: {@code dev.watertight:type=ConnectionCompartment,name="read"}.
 *
 * <pre>{@code
 * try (ConnectionCompartmentsJmx.Registration jmx = ConnectionCompartmentsJmx.register(db)) { ... }
 * }</pre>
 *
 * <p>Attributes read the compartment's {@link ConnectionCompartment#stats() stats} when a JMX
 * client asks, never on the connection path. Thread-safe.
 */
public final class ConnectionCompartmentsJmx {
    private ConnectionCompartmentsJmx() {
    }

    /**
     * Registers every compartment.
     *
     * @param compartments the compartments
     * @return one registration for them all
     * @throws IllegalStateException if a connection compartment of the same name is registered
     *     already; then none of these is left registered
     */
    public static Registration register(ConnectionCompartments compartments) {
        Objects.requireNonNull(compartments, "compartments must not be null");
        List<WatertightJmx.Registration> registered = new ArrayList<>();
        try {
            for (ConnectionCompartment compartment : compartments.compartments()) {
                registered.add(register(compartment));
            }
        } catch (RuntimeException | Error failed) {
            registered.forEach(WatertightJmx.Registration::close);
            throw failed;
        }
        return new Registration(registered);
    }

    /**
     * Registers one compartment.
     *
     * @param compartment the compartment
     * @return its registration
     * @throws IllegalStateException if a connection compartment of that name is registered already
     */
    public static WatertightJmx.Registration register(ConnectionCompartment compartment) {
        Objects.requireNonNull(compartment, "compartment must not be null");
        return WatertightJmx.register("ConnectionCompartment", compartment.name(), new ConnectionCompartmentMXBean() {
            @Override
            public String getPool() {
                return compartment.pool();
            }

            @Override
            public int getLimit() {
                return compartment.limit();
            }

            @Override
            public int getReserved() {
                return compartment.reserved();
            }

            @Override
            public int getInUse() {
                return compartment.stats().inUse();
            }

            @Override
            public int getWaiting() {
                return compartment.stats().waiting();
            }

            @Override
            public long getAcquired() {
                return compartment.stats().acquired();
            }

            @Override
            public long getAcquireTimeouts() {
                return compartment.stats().acquireTimeouts();
            }

            @Override
            public long getConnectionErrors() {
                return compartment.stats().connectionErrors();
            }

            @Override
            public long getLeaks() {
                return compartment.stats().leaks();
            }

            @Override
            public long getReclaimed() {
                return compartment.stats().reclaimed();
            }

            @Override
            public double getAcquireWaitP50Millis() {
                return millis(compartment.stats().acquireWaitP50());
            }

            @Override
            public double getAcquireWaitP99Millis() {
                return millis(compartment.stats().acquireWaitP99());
            }

            @Override
            public double getAcquireWaitMaxMillis() {
                return millis(compartment.stats().acquireWaitMax());
            }

            @Override
            public long getAcquireWaitCount() {
                return compartment.stats().acquireWaitCount();
            }

            @Override
            public double getAcquireWaitTotalMillis() {
                return millis(compartment.stats().acquireWaitTotal());
            }
        });
    }

    private static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }

    /**
     * The MXBeans of a set of connection compartments; closing it unregisters them all (once).
     *
     * <p>Thread-safe: closing from several threads at once unregisters each MXBean once.
     */
    public static final class Registration implements AutoCloseable {
        private final List<WatertightJmx.Registration> registrations;

        private Registration(List<WatertightJmx.Registration> registrations) {
            this.registrations = List.copyOf(registrations);
        }

        /** {@return the MXBeans' names, in the order the compartments were described} */
        public List<ObjectName> names() {
            return registrations.stream().map(WatertightJmx.Registration::name).toList();
        }

        @Override
        public void close() {
            registrations.forEach(WatertightJmx.Registration::close);
        }
    }
}
