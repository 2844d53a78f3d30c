/**
 * Caches with a memory budget: {@link dev.watertight.caffeine.BudgetedCache} keeps Caffeine's
 * eviction and expiry, and charges every entry's bytes, as a
 * {@link dev.watertight.caffeine.SizeEstimator} estimates them, to a
 * {@link dev.watertight.MemoryBulkhead}. Caches under one parent bulkhead are compartments: each
 * evicts within its own budget, and together they never hold more than the parent's.
 */
@NullMarked
package dev.watertight.caffeine;

import org.jspecify.annotations.NullMarked;
