package dev.watertight.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Wraps a statement so that the {@link SQLException}s it throws are shown to its connection,
 * which counts connection failures (a backend killed mid-query fails the statement, not the
 * connection's own methods). Everything is delegated and every exception rethrown untouched;
 * {@code getConnection()} answers the compartment's connection, so closing it through the
 * statement still gives the quota back.
 *
 * <p>A dynamic proxy is used because statements have hundreds of methods across three interfaces
 * and the reflective call costs nothing next to a round trip to the database.
 */
final class StatementObserver implements InvocationHandler {
    private final Statement physical;
    private final CompartmentConnection connection;

    private StatementObserver(Statement physical, CompartmentConnection connection) {
        this.physical = physical;
        this.connection = connection;
    }

    /**
     * Wraps a statement made by the physical connection.
     *
     * @param type the interface the connection method promised
     * @param physical the statement
     * @param connection the compartment's connection that made it
     * @return a statement of the same interface that observes failures
     */
    static <T extends Statement> T wrap(Class<T> type, T physical, CompartmentConnection connection) {
        if (physical == null) {
            return null;
        }
        return type.cast(Proxy.newProxyInstance(
                StatementObserver.class.getClassLoader(), new Class<?>[] {type}, new StatementObserver(physical, connection)));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        int arity = method.getParameterCount();
        if (arity == 0 && name.equals("getConnection")) {
            return connection;
        }
        if (method.getDeclaringClass() == Object.class) {
            return switch (name) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "statement of " + connection;
            };
        }
        if (arity == 1 && name.equals("unwrap") && ((Class<?>) args[0]).isInstance(proxy)) {
            return proxy;
        }
        if (arity == 1 && name.equals("isWrapperFor") && ((Class<?>) args[0]).isInstance(proxy)) {
            return true;
        }
        try {
            return method.invoke(physical, args);
        } catch (InvocationTargetException e) {
            Throwable failure = e.getCause();
            if (failure instanceof SQLException sqlFailure) {
                connection.observe(sqlFailure);
            }
            throw failure;
        }
    }
}
