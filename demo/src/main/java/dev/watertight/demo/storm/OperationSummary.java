package dev.watertight.demo.storm;

import org.HdrHistogram.Histogram;

/**
 * What happened to one operation over a stretch of the storm.
 *
 * @param requests requests sent
 * @param succeeded answered with 2xx
 * @param rejected refused at once with 503
 * @param failed any other end: an error, a timeout, a broken connection
 * @param p50Ms median latency of the requests that succeeded, in milliseconds
 * @param p99Ms 99th percentile latency of the requests that succeeded
 * @param maxMs the slowest request that succeeded
 */
public record OperationSummary(long requests, long succeeded, long rejected, long failed, double p50Ms, double p99Ms, double maxMs) {

    static OperationSummary of(long succeeded, long rejected, long failed, Histogram latencyMicros) {
        boolean any = latencyMicros.getTotalCount() > 0;
        return new OperationSummary(succeeded + rejected + failed, succeeded, rejected, failed,
                any ? latencyMicros.getValueAtPercentile(50) / 1000.0 : 0,
                any ? latencyMicros.getValueAtPercentile(99) / 1000.0 : 0,
                any ? latencyMicros.getMaxValue() / 1000.0 : 0);
    }
}
