package dev.watertight;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Objects;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.NotCompliantMBeanException;
import javax.management.ObjectName;

/**
 * Registers guards as MXBeans in the platform MBean server, so JConsole, VisualVM or any JMX
 * client can watch their stats, resize a bulkhead or a thread pool and force a breaker, with no extra dependency.
 * Names are {@code dev.watertight:type=Bulkhead,name=<name>} (and {@code ThreadPoolBulkhead},
 * {@code CircuitBreaker}, {@code RateLimiter}, {@code MemoryBulkhead}, {@code KeyedCompartments}).
 *
 * <pre>{@code
 * try (WatertightJmx.Registration jmx = WatertightJmx.register(payments)) { ... }
 * }</pre>
 *
 * <p>Integration modules register their own guards under the same naming with
 * {@link #register(String, String, Object)} (watertight-jdbc's connection compartments are
 * {@code type=ConnectionCompartment}). Thread-safe.
 */
public final class WatertightJmx {
    private WatertightJmx() {
    }

    /**
     * An MXBean in the platform server; closing it unregisters it (once; closing again does nothing).
     *
     * <p>Thread-safe: closing from several threads at once unregisters the MXBean once.
     */
    public static final class Registration implements AutoCloseable {
        private final ObjectName name;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Registration(ObjectName name) {
            this.name = name;
        }

        /** {@return the MXBean's name} */
        public ObjectName name() {
            return name;
        }

        @Override
        public void close() {
            if (closed.getAndSet(true)) {
                return; // two closers racing must not unregister a same-named MXBean registered since
            }
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
        return register(GuardKind.BULKHEAD, bulkhead);
    }

    /** The MXBean of a bulkhead: its stats, and its live change. */
    static BulkheadMXBean bean(Bulkhead bulkhead) {
        return new BulkheadMXBean() {
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
        };
    }

    /**
     * Registers a thread-pool compartment.
     *
     * @param pool the pool
     * @return its registration
     * @throws IllegalStateException if a guard of that type and name is registered already
     */
    public static Registration register(ThreadPoolBulkhead pool) {
        return register(GuardKind.THREAD_POOL, pool);
    }

    /** The MXBean of a pool: its stats, and its live change. */
    static ThreadPoolBulkheadMXBean bean(ThreadPoolBulkhead pool) {
        return new ThreadPoolBulkheadMXBean() {
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
        };
    }

    /**
     * Registers a circuit breaker.
     *
     * @param breaker the breaker
     * @return its registration
     * @throws IllegalStateException if a guard of that type and name is registered already
     */
    public static Registration register(CircuitBreaker breaker) {
        return register(GuardKind.CIRCUIT_BREAKER, breaker);
    }

    /** The MXBean of a breaker: its stats, and its live change. */
    static CircuitBreakerMXBean bean(CircuitBreaker breaker) {
        return new CircuitBreakerMXBean() {
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
        };
    }

    /**
     * Registers a rate limiter.
     *
     * @param limiter the rate limiter
     * @return its registration
     * @throws IllegalStateException if a guard of that type and name is registered already
     */
    public static Registration register(RateLimiter limiter) {
        return register(GuardKind.RATE_LIMITER, limiter);
    }

    /** The MXBean of a limiter: its stats, and its live change. */
    static RateLimiterMXBean bean(RateLimiter limiter) {
        return new RateLimiterMXBean() {
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
        };
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
     * Registers a group of per-key compartments: its counts, and an {@code evictIdle} operation.
     * The compartments of its keys are not registered one by one: they come and go with their
     * keys, and there may be thousands.
     *
     * @param group the group
     * @return its registration
     * @throws IllegalStateException if a group of that name is registered already
     */
    public static Registration register(KeyedCompartments<?> group) {
        Objects.requireNonNull(group, "group must not be null");
        return register("KeyedCompartments", group.name(), new KeyedCompartmentsMXBean() {
            @Override
            public int getKeys() {
                return group.stats().keys();
            }

            @Override
            public int getMaxKeys() {
                return group.stats().maxKeys();
            }

            @Override
            public long getCreated() {
                return group.stats().created();
            }

            @Override
            public long getEvicted() {
                return group.stats().evicted();
            }

            @Override
            public long getRejected() {
                return group.stats().rejected();
            }

            @Override
            public int evictIdle() {
                return group.evictIdle();
            }
        });
    }

    /**
     * Registers the guards of every compartment of a registry (bulkhead or thread pool, circuit
     * breaker, rate limiter), each under its compartment's name, every memory budget and every
     * group of per-key compartments, including those that a reload or a registration adds later,
     * until the returned registration is closed.
     *
     * @param registry the registry
     * @return one registration for them all; closing it unregisters every one
     * @throws IllegalStateException if a guard of the same type and name is registered already;
     *     then none of the registry's guards stays registered
     */
    public static RegistryRegistration register(CompartmentRegistry registry) {
        Objects.requireNonNull(registry, "registry must not be null");
        RegistryRegistration registrations = new RegistryRegistration();
        try {
            registry.eachCompartment(registrations::add);
            registry.eachMemoryBulkhead(registrations::add);
            registry.eachKeyedGroup(registrations::add);
        } catch (RuntimeException | Error failed) {
            registrations.close(); // also turns the watchers already added into no-ops
            throw failed;
        }
        return registrations;
    }

    /**
     * The MXBeans of a registry's compartments; closing it unregisters them all and stops adding new ones.
     *
     * <p>Thread-safe: guards the registry adds while it closes are unregistered too.
     */
    public static final class RegistryRegistration implements AutoCloseable {
        private final List<Registration> registrations = new CopyOnWriteArrayList<>();
        private volatile boolean closed;

        private RegistryRegistration() {}

        private void add(Compartment compartment) {
            if (closed) {
                return;
            }
            for (GuardKind<?, ?, ?> kind : GuardKind.all()) {
                addGuard(compartment, kind);
            }
        }

        private <G> void addGuard(Compartment compartment, GuardKind<G, ?, ?> kind) {
            if (kind.jmxType() != null) {
                kind.guardOf(compartment).ifPresent(guard -> keep(WatertightJmx.register(kind, guard)));
            }
        }

        private void add(MemoryBulkhead memory) {
            if (!closed) {
                keep(WatertightJmx.register(memory));
            }
        }

        private void add(KeyedCompartments<?> group) {
            if (!closed) {
                keep(WatertightJmx.register(group));
            }
        }

        /**
         * A guard added while {@link #close()} runs on another thread: either close sees it in
         * the list, or this sees {@code closed} (both are volatile writes then reads), so no
         * MXBean outlives the registration.
         */
        private void keep(Registration registration) {
            registrations.add(registration);
            if (closed) {
                registration.close();
            }
        }

        /** {@return the names of the MXBeans registered so far} */
        public List<ObjectName> names() {
            return registrations.stream().map(Registration::name).toList();
        }

        @Override
        public void close() {
            closed = true;
            registrations.forEach(Registration::close);
        }
    }

    /**
     * Registers the MXBean of a guard of any kind that has one.
     *
     * @param kind the guard's kind
     * @param guard the guard
     * @param <G> its type
     * @return its registration
     * @throws IllegalArgumentException if guards of that kind have no MXBean
     * @throws IllegalStateException if a guard of that type and name is registered already
     */
    public static <G> Registration register(GuardKind<G, ?, ?> kind, G guard) {
        Objects.requireNonNull(guard, kind.name() + " must not be null");
        String type = kind.jmxType();
        Object bean = kind.mxBean(guard);
        if (type == null || bean == null) {
            throw new IllegalArgumentException("a " + kind.name() + " has no MXBean");
        }
        return register(type, kind.guardName(guard), bean);
    }

    /**
     * Registers an MXBean under Watertight's naming, {@code dev.watertight:type=<type>,name="<name>"}:
     * how integration modules (watertight-jdbc, say) put their guards next to the core's, with
     * the same registration to close.
     *
     * @param type the kind of guard, e.g. {@code ConnectionCompartment}: a letter, then letters and digits
     * @param name the guard's name (quoted in the object name, so any text)
     * @param mxBean an object implementing an interface whose name ends in {@code MXBean}
     * @return its registration
     * @throws IllegalArgumentException if the type is not a word, or the object is not an MXBean
     * @throws IllegalStateException if a guard of that type and name is registered already
     */
    public static Registration register(String type, String name, Object mxBean) {
        if (type == null || !type.matches("[A-Za-z][A-Za-z0-9]*")) {
            throw new IllegalArgumentException("type must be a letter followed by letters and digits, was "
                    + (type == null ? "null" : "'" + type + "'"));
        }
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(mxBean, "mxBean must not be null");
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName objectName = new ObjectName("dev.watertight", properties(type, name));
            server.registerMBean(mxBean, objectName);
            return new Registration(objectName);
        } catch (InstanceAlreadyExistsException e) {
            throw new IllegalStateException("a " + type + " named '" + name + "' is registered in JMX already; "
                    + "close its registration first", e);
        } catch (NotCompliantMBeanException e) {
            throw new IllegalArgumentException("mxBean must implement an interface whose name ends in MXBean, was a "
                    + mxBean.getClass().getName(), e);
        } catch (JMException e) {
            throw new IllegalStateException("could not register " + type + " '" + name + "' in JMX", e);
        }
    }

    @SuppressWarnings("JdkObsolete") // ObjectName's constructor takes a Hashtable and nothing else
    private static Hashtable<String, String> properties(String type, String name) {
        Hashtable<String, String> properties = new Hashtable<>();
        properties.put("type", type);
        properties.put("name", ObjectName.quote(name));
        return properties;
    }
}
