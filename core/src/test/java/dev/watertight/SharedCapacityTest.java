package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SharedCapacityTest {

    private static SharedCapacity seedPool() {
        // The example: a pool of 15, read up to 10, write reserving 3 of up to 5, analytics up to 2.
        return SharedCapacity.builder("app-db", 15)
                .share("read", 0, 10)
                .share("write", 3, 5)
                .share("analytics", 0, 2)
                .build();
    }

    private static int takeAll(SharedCapacity.Share share) {
        int taken = 0;
        while (share.tryAcquire()) {
            taken++;
        }
        return taken;
    }

    @Test
    void eachShareStopsAtItsCeiling() {
        SharedCapacity pool = seedPool();

        assertThat(takeAll(pool.share("analytics"))).isEqualTo(2);
        assertThat(takeAll(pool.share("read"))).isEqualTo(10);
        assertThat(pool.inUse()).isEqualTo(12);
    }

    @Test
    void aFloodCannotTakeTheReservationOfAnotherShare() {
        SharedCapacity pool = SharedCapacity.builder("db", 10)
                .share("flood", 0, 10)
                .share("write", 3, 5)
                .build();

        assertThat(takeAll(pool.share("flood"))).as("everything but write's reservation").isEqualTo(7);
        assertThat(takeAll(pool.share("write"))).as("write still gets its 3").isEqualTo(3);
        assertThat(pool.inUse()).isEqualTo(10);
    }

    @Test
    void borrowedUnitsComeBackToWhoeverNeedsThem() {
        SharedCapacity pool = SharedCapacity.builder("db", 4)
                .share("a", 1, 4)
                .share("b", 1, 4)
                .build();
        SharedCapacity.Share a = pool.share("a");
        SharedCapacity.Share b = pool.share("b");

        assertThat(takeAll(a)).isEqualTo(3); // its 1 and the 2 spare
        assertThat(pool.borrowed()).isEqualTo(2);
        a.release();
        a.release();
        assertThat(pool.borrowed()).isZero();
        assertThat(takeAll(b)).isEqualTo(3);
    }

    @Test
    void aWaitingShareIsWokenWhenABorrowedUnitComesBack() throws Exception {
        SharedCapacity pool = SharedCapacity.builder("db", 2)
                .share("a", 0, 2)
                .share("b", 0, 2)
                .build();
        SharedCapacity.Share a = pool.share("a");
        SharedCapacity.Share b = pool.share("b");
        assertThat(takeAll(a)).isEqualTo(2);
        AtomicBoolean got = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                got.set(b.tryAcquire(TimeUnit.SECONDS.toNanos(30)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.countDown();
        });
        org.awaitility.Awaitility.await().until(() -> b.waiting() == 1);

        a.release();

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(got).isTrue();
        waiter.join();
    }

    @Test
    void bulkheadsCanShareOneCapacity() throws Exception {
        SharedCapacity workers = SharedCapacity.builder("workers", 20)
                .share("orders", 5, 15).share("users", 5, 15).share("reports", 5, 10).build();
        Bulkhead orders = Bulkhead.builder("orders").share(workers.share("orders")).build();
        Bulkhead reports = Bulkhead.builder("reports").share(workers.share("reports")).build();
        List<Bulkhead.Permit> held = new ArrayList<>();
        for (int i = 0; i < 10; i++) { // its 5 and the 5 nobody reserved; the other 10 are reserved
            held.add(orders.acquire());
        }

        assertThatThrownBy(orders::acquire).isInstanceOf(BulkheadFullException.class)
                .hasMessage("Bulkhead 'orders' is full: it holds 10 permits of its ceiling 15 and the rest of"
                        + " the shared capacity is in use or reserved by others, rejected without waiting");
        assertThat(reports.call(() -> "reports keep their reservation")).isNotNull();
        assertThat(orders.maxConcurrent()).isEqualTo(15);
        assertThatThrownBy(() -> orders.resize(3)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("share's ceiling (15)");
        held.forEach(Bulkhead.Permit::close);
        assertThat(workers.inUse()).isZero();
        assertThat(orders.stats().accepted()).isEqualTo(10);
        assertThat(orders.stats().inUse()).isZero();
    }

    @Test
    void invalidDescriptionsFailWithTheNumbersThatDoNotFit() {
        assertThatThrownBy(() -> SharedCapacity.builder("db", 10).share("a", 6, 8).share("b", 5, 8).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the reservations of 'db' must add up to at most its capacity 10, were a 6 + b 5 = 11");
        assertThatThrownBy(() -> SharedCapacity.builder("db", 10).share("a", 0, 11))
                .hasMessage("a.ceiling must be between 1 and 10, was 11");
        assertThatThrownBy(() -> SharedCapacity.builder("db", 10).share("a", 4, 3))
                .hasMessage("a.reserved must be between 0 and 3, was 4");
        assertThatThrownBy(() -> SharedCapacity.builder("db", 0))
                .hasMessage("capacity must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> SharedCapacity.builder("db", 5).share("a", 0, 1).share("a", 0, 1))
                .hasMessage("share 'a' is already described in 'db'");
        assertThatThrownBy(() -> SharedCapacity.builder("db", 5).build())
                .hasMessage("shared capacity 'db' needs at least one share");
        assertThatThrownBy(() -> seedPool().share("nope"))
                .hasMessage("shared capacity 'app-db' has no share named 'nope'; its shares are [read, write, analytics]");
        assertThatThrownBy(() -> Bulkhead.builder("x").share(seedPool().share("read")).fair(true).build())
                .hasMessageStartingWith("fair cannot be combined with share 'read'");
        assertThatThrownBy(() -> Bulkhead.builder("x").share(seedPool().share("read")).maxConcurrent(3).build())
                .hasMessage("maxConcurrent of a bulkhead on share 'read' must be the share's ceiling 10, was 3");
    }

    @Test
    void loweringACeilingTakesNothingBackAndRefusesUntilBelowIt() {
        SharedCapacity pool = seedPool();
        SharedCapacity.Share read = pool.share("read");
        assertThat(takeAll(read)).isEqualTo(10);

        assertThat(read.resizeCeiling(4)).as("the ceiling it replaced").isEqualTo(10);

        assertThat(read.inUse()).as("nothing is taken back").isEqualTo(10);
        for (int held = 10; held > 4; held--) {
            assertThat(read.tryAcquire()).as("refused while %d are held", held).isFalse();
            read.release();
        }
        assertThat(read.tryAcquire()).as("refused at the new ceiling").isFalse();
        read.release();
        assertThat(read.tryAcquire()).as("3 held: one more fits").isTrue();
        assertThat(read.inUse()).isEqualTo(4);
        assertThat(pool.borrowed()).isEqualTo(4);
    }

    @Test
    void raisingACeilingLetsEveryWaiterThatFitsInAtOnce() throws Exception {
        SharedCapacity pool = seedPool();
        SharedCapacity.Share analytics = pool.share("analytics");
        assertThat(takeAll(analytics)).isEqualTo(2);
        List<Thread> waiters = new ArrayList<>();
        CountDownLatch granted = new CountDownLatch(3);
        AtomicBoolean refused = new AtomicBoolean();
        for (int i = 0; i < 3; i++) {
            waiters.add(Thread.ofPlatform().start(() -> {
                try {
                    if (analytics.tryAcquire(TimeUnit.MINUTES.toNanos(5))) {
                        granted.countDown();
                    } else {
                        refused.set(true);
                    }
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> analytics.waiting() == 3);

        analytics.resizeCeiling(5);

        // Nobody gives a unit back: without the wake-up they would wait five minutes.
        assertThat(granted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(refused).isFalse();
        assertThat(analytics.inUse()).isEqualTo(5);
        for (Thread waiter : waiters) {
            waiter.join();
        }
    }

    @Test
    void aCeilingMustStayBetweenTheReservationAndTheCapacity() {
        SharedCapacity pool = seedPool();

        assertThatThrownBy(() -> pool.share("write").resizeCeiling(2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ceiling of share 'write' of 'app-db' must be between 3 (its reservation, at least 1) and 15 "
                        + "(the capacity), was 2");
        assertThatThrownBy(() -> pool.share("read").resizeCeiling(16))
                .hasMessage("ceiling of share 'read' of 'app-db' must be between 1 (its reservation, at least 1) and 15 "
                        + "(the capacity), was 16");
        assertThatThrownBy(() -> pool.share("read").resizeCeiling(0)).hasMessageContaining("was 0");
        assertThat(pool.share("write").resizeCeiling(15)).isEqualTo(5);
        assertThat(pool.share("write").ceiling()).isEqualTo(15);
    }
}
