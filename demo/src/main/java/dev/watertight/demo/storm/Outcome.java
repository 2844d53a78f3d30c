package dev.watertight.demo.storm;

/** How a request of the storm ended. */
public enum Outcome {
    /** A 2xx answer. */
    SUCCEEDED,
    /** A 503: the service refused the request at once, as a compartment does when it is full or open. */
    REJECTED,
    /** Any other answer, a timeout or a broken connection. */
    FAILED
}
