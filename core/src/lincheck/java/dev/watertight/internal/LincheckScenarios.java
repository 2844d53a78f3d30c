package dev.watertight.internal;

import java.lang.reflect.Method;
import kotlin.Unit;
import kotlin.jvm.functions.Function1;
import kotlin.reflect.jvm.ReflectJvmMapping;
import org.jetbrains.lincheck.datastructures.DSLThreadScenario;
import org.jetbrains.lincheck.datastructures.Operation;

/** Builds the threads of the hand-written scenarios the Lincheck models add to the random ones. */
final class LincheckScenarios {
    private LincheckScenarios() {
    }

    /**
     * One thread of a custom scenario: the named operations of {@code model}, in order; an
     * operation with a parameter is given the thread's index.
     *
     * @param model the class whose {@link Operation}s are named
     * @param index the thread's index
     * @param operations the operations' names
     * @return the thread, for the scenario DSL
     */
    static Function1<DSLThreadScenario, Unit> thread(Class<?> model, int index, String... operations) {
        return actors -> {
            for (String name : operations) {
                Method operation = operation(model, name);
                Object[] arguments = operation.getParameterCount() == 0 ? new Object[0] : new Object[] {index};
                actors.actor(ReflectJvmMapping.getKotlinFunction(operation), arguments);
            }
            return Unit.INSTANCE;
        };
    }

    private static Method operation(Class<?> model, String name) {
        for (Method method : model.getMethods()) {
            if (method.getName().equals(name) && method.isAnnotationPresent(Operation.class)) {
                return method;
            }
        }
        throw new IllegalArgumentException(model.getSimpleName() + " has no operation " + name);
    }
}
