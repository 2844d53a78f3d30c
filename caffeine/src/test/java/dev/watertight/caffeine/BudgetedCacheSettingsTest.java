package dev.watertight.caffeine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watertight.MemoryBulkhead;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad settings fail at once, with a message naming the setting, the cache, the value and what is allowed. */
class BudgetedCacheSettingsTest {
    private final MemoryBulkhead users = MemoryBulkhead.builder("user-cache").budget(100 * 1024).build();

    private BudgetedCache.Builder<String, String> builder() {
        return BudgetedCache.builder(users, SizeEstimator.strings());
    }

    @Test
    void aBudgetMustBeGiven() {
        assertThatThrownBy(() -> BudgetedCache.builder(null, SizeEstimator.strings()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("budget of a BudgetedCache must be the MemoryBulkhead its entries are charged to,"
                        + " was null");
    }

    @Test
    void aSizeEstimatorMustBeGiven() {
        assertThatThrownBy(() -> BudgetedCache.builder(users, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sizeOf of cache 'user-cache' must be a SizeEstimator of its entries' bytes, was null");
    }

    @Test
    void expiryMustBePositive() {
        assertThatThrownBy(() -> builder().expireAfterWrite(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expireAfterWrite of cache 'user-cache' must be a positive duration, was PT-1S");
        assertThatThrownBy(() -> builder().expireAfterWrite(Duration.ZERO))
                .hasMessage("expireAfterWrite of cache 'user-cache' must be a positive duration, was PT0S");
        assertThatThrownBy(() -> builder().expireAfterAccess(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expireAfterAccess of cache 'user-cache' must be a positive duration, was PT-0.005S");
        assertThatThrownBy(() -> builder().expireAfterAccess(null))
                .hasMessage("expireAfterAccess of cache 'user-cache' must be a positive duration, was null");
    }

    @Test
    void aTimeSourceMustNotBeNull() {
        assertThatThrownBy(() -> builder().timeSource(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeSource of cache 'user-cache' must not be null");
    }

    @Test
    void anEstimatorThatReturnsANegativeSizeIsReportedWhenAnEntryIsCached() {
        BudgetedCache<String, String> cache = BudgetedCache.<String, String>builder(users, (key, value) -> -5).build();
        String expected = "sizeOf of cache 'user-cache' returned -5 bytes for an entry with a key of java.lang.String;"
                + " a size estimator must return zero or more";

        assertThatThrownBy(() -> cache.put("user:1", "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(expected);
        assertThatThrownBy(() -> cache.get("user:1", key -> "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(expected);
        assertThat(cache.estimatedSize()).isZero();
        assertThat(users.reserved()).isZero();
    }

    @Test
    void nullKeysValuesAndLoadersAreRejected() {
        BudgetedCache<String, String> cache = builder().build();
        assertThatThrownBy(() -> cache.put(null, "a")).isInstanceOf(NullPointerException.class)
                .hasMessage("key must not be null");
        assertThatThrownBy(() -> cache.put("a", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("value must not be null");
        assertThatThrownBy(() -> cache.get("a", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("loader must not be null");
    }
}
