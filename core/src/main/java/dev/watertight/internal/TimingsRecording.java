package dev.watertight.internal;

import dev.watertight.CallTimings;
import java.util.concurrent.atomic.AtomicBoolean;

/** The handle {@code recordTimings} returns: runs its detach action once, however often closed. */
final class TimingsRecording implements CallTimings.Recording {
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable detach;

    TimingsRecording(Runnable detach) {
        this.detach = detach;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            detach.run();
        }
    }

    @Override
    public String toString() {
        return "CallTimings.Recording[" + (closed.get() ? "closed]" : "attached]");
    }
}
