package dev.watertight.demo;

/**
 * A dependency answered with an error, or could not be reached: a failure of the dependency,
 * which its circuit breaker counts, and which the shop answers with 502.
 */
final class DependencyFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String dependency;

    DependencyFailedException(String dependency, String message, Throwable cause) {
        super(dependency + " failed: " + message, cause);
        this.dependency = dependency;
    }

    /** The dependency that failed. */
    String dependency() {
        return dependency;
    }
}
