package dev.watertight;

import java.util.List;

/**
 * A configuration that cannot be used, with every problem found in it (not only the first). When
 * a running configuration is being replaced, nothing of the new one has been applied.
 *
 * <p>Thread-safe once thrown: the problems are an immutable copy.
 *
 * @serial exclude
 */
public final class ConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The problems; a list of records, serializable. */
    @SuppressWarnings("serial")
    private final List<ConfigProblem> problems;

    /**
     * Creates the exception.
     *
     * @param problems at least one problem
     */
    public ConfigurationException(List<ConfigProblem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    private static String message(List<ConfigProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a configuration exception needs at least one problem");
        }
        StringBuilder message = new StringBuilder()
                .append(problems.size() == 1 ? "1 problem" : problems.size() + " problems")
                .append(" in the configuration:");
        for (ConfigProblem problem : problems) {
            message.append("\n  ").append(problem);
        }
        return message.toString();
    }

    /** {@return every problem, in the order found} */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
