package dev.watertight.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;

/**
 * Wraps what a compartment's connection makes (statements, their result sets, the database
 * metadata) so that the {@link SQLException}s they throw are shown to the connection, which counts
 * connection failures: a backend killed mid-query fails the statement or the result set, not the
 * connection's own methods. Everything is delegated and every exception rethrown untouched.
 *
 * <p>The way back to the connection never leads to the physical one: {@code getConnection()}
 * answers the compartment's connection and {@code ResultSet.getStatement()} the wrapped
 * statement, so closing through them still gives the quota back exactly once.
 *
 * <p>A dynamic proxy is used because these interfaces have hundreds of methods and the reflective
 * call costs nothing next to a round trip to the database. It is made per statement, not per
 * borrowed connection.
 */
final class JdbcObserver implements InvocationHandler {
    private final Object physical;
    private final CompartmentConnection connection;
    private static final @Nullable Object[] NO_ARGUMENTS = {};

    private final @Nullable Object parent;

    private JdbcObserver(Object physical, CompartmentConnection connection, @Nullable Object parent) {
        this.physical = physical;
        this.connection = connection;
        this.parent = parent;
    }

    /**
     * Wraps an object a connection, statement or metadata made.
     *
     * @param type the interface the method promised
     * @param physical the driver's (or pool's) object
     * @param connection the compartment's connection it belongs to
     * @param parent the wrapped object that made it, or null if the connection did
     * @return an object of the same interface that observes failures
     */
    static <T> T wrap(Class<T> type, T physical, CompartmentConnection connection, @Nullable Object parent) {
        return type.cast(Proxy.newProxyInstance(
                JdbcObserver.class.getClassLoader(), new Class<?>[] {type}, new JdbcObserver(physical, connection, parent)));
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args) throws Throwable {
        String name = method.getName();
        int arity = method.getParameterCount();
        @Nullable Object[] given = args == null ? NO_ARGUMENTS : args; // the proxy passes null for no arguments
        if (arity == 0 && name.equals("getConnection")) {
            return connection;
        }
        if (arity == 0 && name.equals("getStatement") && physical instanceof ResultSet) {
            // A result set from metadata may say it has no statement: JDBC allows null there.
            return parent instanceof Statement ? parent : null;
        }
        if (method.getDeclaringClass() == Object.class) {
            return switch (name) {
                case "equals" -> proxy == given[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "observed " + physical;
            };
        }
        if (arity == 1 && name.equals("unwrap") && given[0] instanceof Class<?> wanted && wanted.isInstance(proxy)) {
            return proxy;
        }
        if (arity == 1 && name.equals("isWrapperFor") && given[0] instanceof Class<?> wanted && wanted.isInstance(proxy)) {
            return true;
        }
        Object result;
        try {
            result = method.invoke(physical, args);
        } catch (InvocationTargetException e) {
            Throwable failure = e.getCause();
            if (failure instanceof SQLException sqlFailure) {
                connection.observe(sqlFailure);
            }
            throw failure;
        }
        return observed(method.getReturnType(), result, proxy);
    }

    /** Result sets, statements and metadata handed out are wrapped in turn, with this as their parent. */
    @SuppressWarnings("unchecked")
    private @Nullable Object observed(Class<?> type, @Nullable Object result, Object proxy) {
        if (result == null) {
            return null;
        }
        if (type == ResultSet.class || type == DatabaseMetaData.class || Statement.class.isAssignableFrom(type)) {
            return wrap((Class<Object>) type, result, connection, proxy);
        }
        return result;
    }
}
