package dev.watertight;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Objects;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers guards as MXBeans in the platform MBean server, so JConsole, VisualVM or any JMX
 * client can watch their stats, resize a bulkhead or a thread pool and force a breaker, with no extra dependency.
 * Names are {@code dev.watertight:type=Bulkhead,name=<name>} (and {@code ThreadPoolBulkhead},
 * {@code CircuitBreaker}, {@code RateLimiter}, {@code MemoryBulkhead}).
 *
 * <pre>{@code
 * try (WatertightJmx.Registration jmx = WatertightJmx.register(payments)) { ... }
 * }</pre>
 */
public final class WatertightJmx {
    private WatertightJmx() {
    }

    /** An MXBean in the platform server; closing it unregisters it (once; closing again does nothing). */
    public static final class Registration implements AutoCloseable {
        private final ObjectName name;
        private volatile boolean closed;

        private Registration(ObjectName name) {
            this.name = name;
        }

        /** The MXBean's name. */
        public ObjectName name() {
            return name;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (InstanceNotFoundException gone) {
                // unregistered by someone else: nothing left to do
            } catch (JMException e) {
                throw new IllegalStateException("could not unregister " + name, e);
            }
        }
    }

    /**
     * Registers a bulkhead.
     *
     * @param bulkhead the bulkhead
     * @return its registration
     * @throws IllegalStateException if a guard of that type and name is registered already
     */
    public static Registration register(Bulkhead bulkhead) {
        Objects.requireNonNull(bulkhead, "bulkhead must not be null");
        return register("Bulkhead", bulkhead.name(), new BulkheadMXBean() {
            @Override
            public int getMaxConcurrent() {
                return bulkhead.stats().maxConcurrent();
            }

            @Override
            public int getInUse() {
                return bulkhead.stats().inUse();
            }

            @Override
            public int getWaiting() {
                return bulkhead.stats().waiting();
            }

            @Override
            public long getAccepted() {
                return bulkhead.stats().accepted();
            }

            @Override
            public long getRejected() {
                return bulkhead.stats().rejected();
            }

            @Override
            public long getSucceeded() {
                return bulkhead.stats().succeeded();
            }

            @Override
            public long getFailed() {
                return bulkhead.stats().failed();
            }

            @Override
            public void resize(int maxConcurrent) {
                bulkhead.resize(maxConcurrent);
            }
        });
    }

    /**
     * Registers a thread-pool compartment.
     *
     * @param pool the pool
     * @return its registration
     * @throws IllegalStateException if a guard of that type and name is registered already
     */
    public static Registration register(ThreadPoolBulkhead pool) {
        Objects.requireNonNull(pool, "pool must not be null");
        return register("ThreadPoolBulkhead", pool.name(), new ThreadPoolBulkheadMXBean() {
            @Override
            public int getThreads() {
                return pool.stats().threads();
            }

            @Override
            public int getActiveThreads() {
                return pool.stats().activeThreads();
            }

            @Override
            public int getQueued() {
                return pool.stats().queued();
            }

            @Override
            public int getQueueCapacity() {
                return pool.stats().queueCapacity();
            }

            @Override
            public long getSubmitted() {
                return pool.stats().submitted();
            }

            @Override
            public long getSucceeded() {
                return pool.stats().succeeded();
            }

            @Override
            public long getFailed() {
                return pool.stats().failed();
            }

            @Override
            public long getRejected() {
                return pool.stats().rejected();
            }

            @Override
            public long getTimedOut() {
                return pool.stats().timedOut();
            }

            @Override
            public long getCancelled() {
                return pool.stats().cancelled();
            }

            @Override
            public void resize(int threads, int queueCapacity) {
                pool.resize(threads, queueCapacity);
            }
        });
    }

    /**
     * Registers a circuit breaker.
     *
     * @param breaker the breaker
     * @return its registration
     * @throws IllegalStateException if a guard of that type and name is registered already
     */
    public static Registration register(CircuitBreaker breaker) {
        Objects.requireNonNull(breaker, "breaker must not be null");
        return register("CircuitBreaker", breaker.name(), new CircuitBreakerMXBean() {
            @Override
            public String getState() {
                return breaker.state().name();
            }

            @Override
            public double getFailureRate() {
                return breaker.stats().failureRate();
            }

            @Override
            public double getSlowCallRate() {
                return breaker.stats().slowCallRate();
            }

            @Override
            public long getWindowCalls() {
                return breaker.stats().windowCalls();
            }

            @Override
            public long getNotPermitted() {
                return breaker.stats().notPermitted();
            }

            @Override
            public void forceOpen() {
                breaker.forceOpen();
            }

            @Override
            public void disable() {
                breaker.disable();
            }

            @Override
            public void reset() {
                breaker.reset();
            }
        });
    }

    /**
     * Registers a rate limiter.
     *
     * @param limiter the rate limiter
     * @return its registration
     * @throws IllegalStateException if a guard of that type and name is registered already
     */
    public static Registration register(RateLimiter limiter) {
        Objects.requireNonNull(limiter, "limiter must not be null");
        return register("RateLimiter", limiter.name(), new RateLimiterMXBean() {
            @Override
            public int getPermitsPerPeriod() {
                return limiter.stats().permitsPerPeriod();
            }

            @Override
            public long getPeriodMillis() {
                return limiter.stats().period().toMillis();
            }

            @Override
            public int getBurst() {
                return limiter.stats().burst();
            }

            @Override
            public int getAvailablePermits() {
                return limiter.stats().availablePermits();
            }

            @Override
            public int getWaiting() {
                return limiter.stats().waiting();
            }

            @Override
            public long getGranted() {
                return limiter.stats().granted();
            }

            @Override
            public long getRejected() {
                return limiter.stats().rejected();
            }

            @Override
            public void changeRate(int permitsPerPeriod, long periodMillis) {
                limiter.changeRate(permitsPerPeriod, Duration.ofMillis(periodMillis));
            }
        });
    }

    /**
     * Registers a memory budget.
     *
     * @param memory the budget
     * @return its registration
     * @throws IllegalStateException if a budget of that name is registered already
     */
    public static Registration register(MemoryBulkhead memory) {
        Objects.requireNonNull(memory, "memory must not be null");
        return register("MemoryBulkhead", memory.name(), new MemoryBulkheadMXBean() {
            @Override
            public long getBudget() {
                return memory.stats().budget();
            }

            @Override
            public long getReserved() {
                return memory.stats().reserved();
            }

            @Override
            public long getPeak() {
                return memory.stats().peak();
            }

            @Override
            public long getRefusals() {
                return memory.stats().refusals();
            }

            @Override
            public String getParent() {
                String parent = memory.stats().parent();
                return parent == null ? "" : parent;
            }

            @Override
            public void resize(long bytes) {
                memory.resize(bytes);
            }
        });
    }

    /**
     * Registers the guards of every compartment of a registry (bulkhead or thread pool, circuit
     * breaker, rate limiter), each under its compartment's name, and every memory budget,
     * including those that a reload or a registration adds later, until the returned
     * registration is closed.
     *
     * @param registry the registry
     * @return one registration for them all; closing it unregisters every one
     * @throws IllegalStateException if a guard of the same type and name is registered already
     */
    public static RegistryRegistration register(CompartmentRegistry registry) {
        RegistryRegistration registrations = new RegistryRegistration();
        registry.eachCompartment(registrations::add);
        registry.eachMemoryBulkhead(registrations::add);
        return registrations;
    }

    /** The MXBeans of a registry's compartments; closing it unregisters them all and stops adding new ones. */
    public static final class RegistryRegistration implements AutoCloseable {
        private final List<Registration> registrations = new CopyOnWriteArrayList<>();
        private volatile boolean closed;

        private RegistryRegistration() {}

        private void add(Compartment compartment) {
            if (closed) {
                return;
            }
            compartment.bulkhead().ifPresent(bulkhead -> registrations.add(WatertightJmx.register(bulkhead)));
            compartment.threadPool().ifPresent(pool -> registrations.add(WatertightJmx.register(pool)));
            compartment.circuitBreaker().ifPresent(breaker -> registrations.add(WatertightJmx.register(breaker)));
            compartment.rateLimiter().ifPresent(limiter -> registrations.add(WatertightJmx.register(limiter)));
        }

        private void add(MemoryBulkhead memory) {
            if (!closed) {
                registrations.add(WatertightJmx.register(memory));
            }
        }

        /** The names of the MXBeans registered so far. */
        public List<ObjectName> names() {
            return registrations.stream().map(Registration::name).toList();
        }

        @Override
        public void close() {
            closed = true;
            registrations.forEach(Registration::close);
        }
    }

    private static Registration register(String type, String name, Object mxBean) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName objectName = new ObjectName("dev.watertight", properties(type, name));
            server.registerMBean(mxBean, objectName);
            return new Registration(objectName);
        } catch (InstanceAlreadyExistsException e) {
            throw new IllegalStateException("a " + type + " named '" + name + "' is registered in JMX already; "
                    + "close its registration first", e);
        } catch (JMException e) {
            throw new IllegalStateException("could not register " + type + " '" + name + "' in JMX", e);
        }
    }

    private static Hashtable<String, String> properties(String type, String name) {
        Hashtable<String, String> properties = new Hashtable<>();
        properties.put("type", type);
        properties.put("name", ObjectName.quote(name));
        return properties;
    }
}
