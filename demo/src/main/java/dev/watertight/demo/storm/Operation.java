package dev.watertight.demo.storm;

/** The requests the storm sends: the service's four operations. */
public enum Operation {
    /** {@code POST /users}: a signup. */
    SIGNUP("signup"),
    /** {@code GET /users/{id}}: a profile read. */
    READ_USER("user read"),
    /** {@code POST /orders}: an order, which calls the payment dependency. */
    ORDER("order"),
    /** {@code GET /reports/{type}}: a slow analytics report. */
    REPORT("report");

    private final String label;

    Operation(String label) {
        this.label = label;
    }

    /** A short name for tables and charts. */
    public String label() {
        return label;
    }
}
