package dev.watertight.demo;

/**
 * A dependency answered, and refused the request on its merits (a 4xx: a declined payment, an
 * address the mail service will not take). The dependency is healthy: its circuit breaker
 * ignores these, and the shop answers 422 naming the dependency.
 */
final class DependencyRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String dependency;
    private final int status;

    DependencyRefusedException(String dependency, int status, String message) {
        super(dependency + " refused the request: " + message, null, false, false);
        this.dependency = dependency;
        this.status = status;
    }

    /** The dependency that refused. */
    String dependency() {
        return dependency;
    }

    /** The status it answered with. */
    int status() {
        return status;
    }
}
