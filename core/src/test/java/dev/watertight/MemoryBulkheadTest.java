package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MemoryBulkheadTest {
    private static final long MB = 1024 * 1024;

    /** The seed's caches: user-cache 100 MB, session-cache 50 MB, static-cache 200 MB, under one parent of 300 MB. */
    private record Caches(MemoryBulkhead all, MemoryBulkhead users, MemoryBulkhead sessions, MemoryBulkhead statics) {
        static Caches seed() {
            MemoryBulkhead all = MemoryBulkhead.builder("caches").budget(300 * MB).build();
            return new Caches(all,
                    MemoryBulkhead.builder("user-cache").budget(100 * MB).parent(all).build(),
                    MemoryBulkhead.builder("session-cache").budget(50 * MB).parent(all).build(),
                    MemoryBulkhead.builder("static-cache").budget(200 * MB).parent(all).build());
        }
    }

    private static long reserveUntilRefused(MemoryBulkhead bulkhead, long chunk) {
        long taken = 0;
        while (bulkhead.tryReserve(chunk)) {
            taken += chunk;
        }
        return taken;
    }

    @Test
    void aCompartmentThatReservesUntilRefusedLeavesItsNeighboursBudgetsIntact() {
        Caches caches = Caches.seed();
        try (MemoryReservation session = caches.sessions().reserve(30 * MB)) {

            assertThat(reserveUntilRefused(caches.users(), MB)).isEqualTo(100 * MB);

            assertThat(session.bytes()).isEqualTo(30 * MB);
            assertThat(caches.sessions().tryReserve(20 * MB)).as("session-cache still has its own room").isTrue();
            assertThat(caches.statics().stats().reserved()).isZero();
            assertThat(reserveUntilRefused(caches.statics(), MB)).as("what the parent has left").isEqualTo(150 * MB);
            assertThat(caches.all().reserved()).isEqualTo(300 * MB);
        }
    }

    @Test
    void aRefusalNamesTheCompartmentTheBytesWhatItHoldsAndWhatIsAllowed() {
        Caches caches = Caches.seed();
        caches.users().tryReserve(98 * MB);

        assertThatThrownBy(() -> caches.users().reserve(4 * MB))
                .isInstanceOf(MemoryBudgetExceededException.class)
                .isInstanceOf(CompartmentRejectedException.class)
                .hasMessage("MemoryBulkhead 'user-cache' refused 4.0 MiB (4194304 bytes): it holds 98.0 MiB of its budget 100.0 MiB");

        caches.statics().tryReserve(200 * MB);
        assertThatThrownBy(() -> caches.sessions().reserve(5 * MB))
                .hasMessage("MemoryBulkhead 'session-cache' refused 5.0 MiB (5242880 bytes): its parent 'caches' holds "
                        + "298.0 MiB of its budget 300.0 MiB (it holds 0 B of its own 50.0 MiB)")
                .satisfies(thrown -> {
                    MemoryBudgetExceededException refusal = (MemoryBudgetExceededException) thrown;
                    assertThat(refusal.compartment()).isEqualTo("session-cache");
                    assertThat(refusal.fullParent()).isEqualTo("caches");
                    assertThat(refusal.requested()).isEqualTo(5 * MB);
                });
        assertThat(caches.sessions().reserved()).as("nothing kept from a refused reservation").isZero();
        assertThat(caches.sessions().stats().refusals()).isEqualTo(1);
    }

    @Test
    void aReservationReleasesOnceAndCanGrowAndShrink() {
        Caches caches = Caches.seed();
        MemoryReservation buffer = caches.users().reserve(10 * MB);

        buffer.resize(40 * MB);
        assertThat(caches.users().reserved()).isEqualTo(40 * MB);
        assertThat(caches.all().reserved()).isEqualTo(40 * MB);
        buffer.resize(5 * MB);
        assertThat(caches.all().reserved()).isEqualTo(5 * MB);
        assertThatThrownBy(() -> buffer.resize(101 * MB)).isInstanceOf(MemoryBudgetExceededException.class);
        assertThat(buffer.bytes()).as("a refused growth keeps the size").isEqualTo(5 * MB);

        buffer.close();
        buffer.close();
        assertThat(caches.users().reserved()).isZero();
        assertThat(caches.all().reserved()).isZero();
        assertThat(buffer.isClosed()).isTrue();
        assertThatThrownBy(() -> buffer.resize(1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the reservation of MemoryBulkhead 'user-cache' is closed");
        assertThat(caches.users().stats().peak()).isEqualTo(40 * MB);
        assertThat(caches.all().stats().peak()).isEqualTo(40 * MB);
    }

    @Test
    void releasingMoreThanIsHeldFailsAndChangesNothing() {
        Caches caches = Caches.seed();
        caches.users().tryReserve(MB);

        assertThatThrownBy(() -> caches.users().release(2 * MB))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("MemoryBulkhead 'user-cache' was asked to release 2097152 bytes but holds only 1048576: "
                        + "a reservation was released twice or never made");
        assertThat(caches.users().reserved()).isEqualTo(MB);
        assertThat(caches.all().reserved()).isEqualTo(MB);
    }

    @Test
    void aWaiterIsServedWhenASiblingReleasesUnderTheSameParent() throws Exception {
        Caches caches = Caches.seed();
        MemoryReservation statics = caches.statics().reserve(200 * MB);
        caches.users().reserve(100 * MB); // the parent is full
        AtomicReference<Thread> waiterThread = new AtomicReference<>();

        CompletableFuture<MemoryReservation> waiter = CompletableFuture.supplyAsync(() -> {
            waiterThread.set(Thread.currentThread());
            return caches.sessions().reserve(20 * MB, Duration.ofSeconds(30));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> waiterThread.get() != null
                && waiterThread.get().getState() == Thread.State.TIMED_WAITING);
        statics.resize(150 * MB);

        assertThat(waiter.get(10, TimeUnit.SECONDS).bytes()).isEqualTo(20 * MB);
        assertThat(caches.all().reserved()).isEqualTo(270 * MB);
    }

    @Test
    void aWaitThatRunsOutIsRefusedWithHowLongItWaited() {
        MemoryBulkhead buffers = MemoryBulkhead.builder("buffers").budget(MB).build();
        buffers.reserve(MB);

        assertThatThrownBy(() -> buffers.reserve(1024, Duration.ofMillis(20)))
                .hasMessageStartingWith("MemoryBulkhead 'buffers' refused 1.0 KiB (1024 bytes): it holds 1.0 MiB of its budget 1.0 MiB; waited ")
                .hasMessageEndingWith("(maxWait 20 ms)");
        assertThatThrownBy(() -> buffers.reserve(2 * MB, Duration.ofSeconds(30)))
                .as("more than the whole budget is refused at once, not after the wait")
                .hasMessage("MemoryBulkhead 'buffers' refused 2.0 MiB (2097152 bytes): more than its whole budget 1.0 MiB");
    }

    @Test
    void anInterruptedWaiterIsRefusedAndKeepsItsInterrupt() {
        MemoryBulkhead buffers = MemoryBulkhead.builder("buffers").budget(MB).build();
        buffers.reserve(MB);
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> buffers.reserve(1, Duration.ofSeconds(30)))
                .isInstanceOf(MemoryBudgetExceededException.class)
                .hasMessageContaining("interrupted while waiting");
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void badSettingsAndSizesFailWithPreciseMessages() {
        assertThatThrownBy(() -> MemoryBulkhead.builder("user-cache").budget(0))
                .hasMessage("budget of 'user-cache' must be between 1 byte and 4 EiB (2^62 bytes), was 0 bytes");
        assertThatThrownBy(() -> MemoryBulkhead.builder("user-cache").budget(-5))
                .hasMessage("budget of 'user-cache' must be between 1 byte and 4 EiB (2^62 bytes), was -5 bytes");
        assertThatThrownBy(() -> MemoryBulkhead.builder("user-cache").budget(Long.MAX_VALUE))
                .hasMessage("budget of 'user-cache' must be between 1 byte and 4 EiB (2^62 bytes), was 9223372036854775807 bytes");
        assertThatThrownBy(() -> MemoryBulkhead.builder("user-cache").build())
                .hasMessage("budget of 'user-cache' must be set, in bytes, from 1 to 2^62");
        MemoryBulkhead parent = MemoryBulkhead.builder("caches").budget(300 * MB).build();
        assertThatThrownBy(() -> MemoryBulkhead.builder("static-cache").budget(400 * MB).parent(parent).build())
                .hasMessage("budget of 'static-cache' must be at most the budget of its parent 'caches', 300.0 MiB (314572800 bytes), was 400.0 MiB (419430400 bytes)");
        assertThatThrownBy(() -> parent.tryReserve(-1)).hasMessage("bytes asked of MemoryBulkhead 'caches' must be zero or more, was -1");
        assertThatThrownBy(() -> parent.reserve(1, Duration.ofMillis(-1)))
                .hasMessageStartingWith("maxWait must be");
    }

    @Test
    void budgetMessagesGiveExactBytesSoThatTheyNeverContradictThemselves() {
        MemoryBulkhead parent = MemoryBulkhead.builder("parent2k").budget(2048).build();
        assertThatThrownBy(() -> MemoryBulkhead.builder("child2k").budget(2049).parent(parent).build())
                .hasMessage("budget of 'child2k' must be at most the budget of its parent 'parent2k',"
                        + " 2.0 KiB (2048 bytes), was 2.0 KiB (2049 bytes)");
        MemoryBulkhead child = MemoryBulkhead.builder("child2k").budget(2047).parent(parent).build();
        assertThatThrownBy(() -> child.resize(2049))
                .hasMessage("budget of 'child2k' must be at most the budget of its parent 'parent2k',"
                        + " 2.0 KiB (2048 bytes), was 2.0 KiB (2049 bytes)");
        assertThatThrownBy(() -> parent.resize(2046))
                .hasMessage("budget of 'parent2k' must be at least the budget of its child 'child2k',"
                        + " 2.0 KiB (2047 bytes), was 2.0 KiB (2046 bytes)");
    }

    @Test
    void waitersOnSiblingsOfAFullParentSleepRatherThanWakeEachOther() throws Exception {
        MemoryBulkhead parent = MemoryBulkhead.builder("caches").budget(100).build();
        MemoryBulkhead x = MemoryBulkhead.builder("x").budget(100).parent(parent).build();
        MemoryBulkhead y = MemoryBulkhead.builder("y").budget(100).parent(parent).build();
        MemoryBulkhead z = MemoryBulkhead.builder("z").budget(100).parent(parent).build();
        z.reserve(100); // the parent is full
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();

        long[] cpu = new long[2];
        Thread[] waiters = new Thread[2];
        MemoryBulkhead[] siblings = {x, y};
        for (int i = 0; i < 2; i++) {
            int index = i;
            waiters[i] = Thread.ofPlatform().start(() -> {
                assertThatThrownBy(() -> siblings[index].reserve(10, Duration.ofMillis(500)))
                        .isInstanceOf(MemoryBudgetExceededException.class);
                cpu[index] = threads.getCurrentThreadCpuTime();
            });
        }
        for (Thread waiter : waiters) {
            waiter.join();
        }

        assertThat(cpu[0]).as("CPU time of the first waiter over a 500 ms wait").isLessThan(Duration.ofMillis(150).toNanos());
        assertThat(cpu[1]).as("CPU time of the second waiter over a 500 ms wait").isLessThan(Duration.ofMillis(150).toNanos());
    }
}
