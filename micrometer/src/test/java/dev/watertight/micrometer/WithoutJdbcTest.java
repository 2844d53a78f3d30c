package dev.watertight.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.Bulkhead;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** watertight-jdbc is an optional dependency: the binder must load and work where it is absent. */
class WithoutJdbcTest {

    /** Loads this module's classes itself and hides watertight-jdbc's; everything else from the parent. */
    private static final class NoJdbcLoader extends ClassLoader {
        NoJdbcLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("dev.watertight.jdbc.")) {
                throw new ClassNotFoundException(name + " (hidden: watertight-jdbc is not on this classpath)");
            }
            if (!name.startsWith("dev.watertight.micrometer.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] bytes = in.readAllBytes();
                        loaded = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return loaded;
            }
        }
    }

    /** Runs inside the loader that hides watertight-jdbc, calling the binder as user code does. */
    public static final class BulkheadUser implements Function<MeterRegistry, Bulkhead> {
        /** Makes one. */
        public BulkheadUser() {
        }

        @Override
        public Bulkhead apply(MeterRegistry registry) {
            Bulkhead payments = Bulkhead.of("payments", 2);
            new WatertightMetrics().bulkhead(payments).bindTo(registry);
            return payments;
        }
    }

    @Test
    void theBinderPublishesCoreGuardsWithoutWatertightJdbc() throws Exception {
        ClassLoader loader = new NoJdbcLoader(WithoutJdbcTest.class.getClassLoader());
        assertThatThrownBy(() -> loader.loadClass("dev.watertight.jdbc.ConnectionCompartments"))
                .isInstanceOf(ClassNotFoundException.class);
        Class<?> user = loader.loadClass(BulkheadUser.class.getName());
        assertThat(user).isNotSameAs(BulkheadUser.class);
        @SuppressWarnings("unchecked")
        Function<MeterRegistry, Bulkhead> bind = (Function<MeterRegistry, Bulkhead>) user.getConstructor().newInstance();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        Bulkhead payments = bind.apply(registry);
        payments.call(() -> "ok");

        assertThat(registry.scrape())
                .contains("watertight_bulkhead_calls_total{compartment=\"payments\",name=\"payments\",outcome=\"succeeded\"} 1.0");
    }
}
