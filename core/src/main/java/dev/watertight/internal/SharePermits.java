package dev.watertight.internal;

import dev.watertight.SharedCapacity;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bulkhead's permits taken from a {@link SharedCapacity.Share}: its limit is the share's
 * ceiling, its guarantee the share's reservation. Counts are kept beside the share, so a
 * snapshot's {@code accepted == released + inUse} holds by construction.
 */
final class SharePermits implements BulkheadPermits {
    private final SharedCapacity.Share share;
    private final LongAdder acquired = new LongAdder();
    private final LongAdder released = new LongAdder();

    SharePermits(SharedCapacity.Share share) {
        this.share = share;
    }

    @Override
    public boolean tryAcquire() {
        if (share.tryAcquire()) {
            acquired.increment();
            return true;
        }
        return false;
    }

    @Override
    public boolean tryAcquire(long timeoutNanos) throws InterruptedException {
        if (share.tryAcquire(timeoutNanos)) {
            acquired.increment();
            return true;
        }
        return false;
    }

    @Override
    public void release() {
        share.release();
        released.increment();
    }

    @Override
    public int limit() {
        return share.ceiling();
    }

    @Override
    public void resize(int newLimit) {
        throw new UnsupportedOperationException("the limit of a bulkhead on share '" + share.name()
                + "' is the share's ceiling (" + share.ceiling() + ") and cannot be resized, was asked " + newLimit);
    }

    @Override
    public int waiting() {
        return share.waiting();
    }

    @Override
    public PermitSync.Counts snapshot() {
        long releasedNow = released.sum(); // first: it never runs ahead of acquired
        long acquiredNow = acquired.sum();
        return new PermitSync.Counts(acquiredNow, releasedNow, Math.max(0, acquiredNow - releasedNow), share.ceiling());
    }
}
