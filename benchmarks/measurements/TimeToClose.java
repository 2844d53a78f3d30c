import dev.watertight.CircuitBreaker;
import java.time.Duration;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/** Time from the end of an outage to CLOSED, with N closed-loop clients on a 100 ms dependency. */
public class TimeToClose {
    public static void main(String[] args) throws Exception {
        for (int clients : new int[] {1, 8}) {
            for (int run = 0; run < 3; run++) {
                CircuitBreaker breaker = CircuitBreaker.builder("payment").consecutiveFailures(3)
                        .openDuration(Duration.ofMillis(500)).halfOpenProbes(10).build();
                AtomicBoolean down = new AtomicBoolean(true);
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong refused = new AtomicLong();
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
                for (int c = 0; c < clients; c++) {
                    pool.submit(() -> {
                        while (!stop.get()) {
                            try {
                                breaker.call(() -> {
                                    Thread.sleep(100);
                                    if (down.get()) throw new java.io.IOException("down");
                                    return "ok";
                                });
                            } catch (dev.watertight.CircuitBreakerOpenException e) {
                                refused.incrementAndGet();
                                Thread.sleep(5);
                            } catch (Exception e) { }
                        }
                        return null;
                    });
                }
                Thread.sleep(1000);
                down.set(false);
                long end = System.nanoTime();
                long refusedAtEnd = refused.get();
                while (breaker.state() != CircuitBreaker.State.CLOSED) Thread.onSpinWait();
                long ms = (System.nanoTime() - end) / 1_000_000;
                stop.set(true);
                pool.shutdown();
                pool.awaitTermination(5, TimeUnit.SECONDS);
                System.out.printf("clients %d run %d: closed %d ms after the outage ended, %d calls refused meanwhile%n",
                        clients, run, ms, refused.get() - refusedAtEnd);
            }
        }
    }
}
