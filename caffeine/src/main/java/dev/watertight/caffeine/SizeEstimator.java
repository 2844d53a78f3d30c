package dev.watertight.caffeine;

import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Estimates the bytes a cache entry keeps reachable: its key and its value, as the heap holds
 * them. A {@link BudgetedCache} charges this estimate, plus its own bookkeeping per entry
 * ({@link BudgetedCache#ENTRY_OVERHEAD_BYTES}), to its compartment's budget.
 *
 * <pre>{@code
 * SizeEstimator<String, String> json = SizeEstimator.strings();
 * SizeEstimator<Long, byte[]> blobs = SizeEstimator.of(id -> 16, SizeEstimator::sizeOfByteArray);
 * SizeEstimator<UserId, User> users = (id, user) -> 64 + SizeEstimator.sizeOfString(user.name());
 * }</pre>
 *
 * <p><b>What the helpers assume.</b> A 64-bit HotSpot JVM with its defaults: compressed class
 * pointers and oops (heaps under 32 GiB), so a 12-byte object header, 4-byte references and a
 * 16-byte array header (12 plus the length); objects aligned to 8 bytes; compact strings, so a
 * string whose characters are all Latin-1 stores one byte per character and any other string
 * two. Without compressed oops objects are somewhat larger; the estimates are meant to be close,
 * not exact, and never to miss the bulk of an entry (its payload).
 *
 * <p>An estimator is called once per entry cached, on the caller's thread; it must be quick,
 * thread-safe, free of side effects and return zero or more. It should count what the entry
 * alone keeps alive: an object shared with the rest of the heap costs the cache nothing.
 *
 * @param <K> the key's type
 * @param <V> the value's type
 */
@FunctionalInterface
public interface SizeEstimator<K, V> {

    /** Header of an object with compressed class pointers. */
    long OBJECT_HEADER_BYTES = 12;
    /** Header of an array: the object header and a 4-byte length. */
    long ARRAY_HEADER_BYTES = 16;
    /**
     * A {@code java.lang.String} without its characters: header, a reference to its byte array,
     * its cached hash, the coder and the hash-is-zero flag, aligned: 12 + 4 + 4 + 1 + 1, so 24.
     */
    long STRING_BYTES = 24;

    /**
     * The estimated bytes of one entry.
     *
     * @param key the entry's key
     * @param value the entry's value
     * @return the bytes, zero or more
     */
    long bytes(K key, V value);

    /**
     * An estimator that adds the sizes of the key and the value, each estimated on its own.
     *
     * @param keyBytes the bytes of a key
     * @param valueBytes the bytes of a value
     * @param <K> the key's type
     * @param <V> the value's type
     * @return the estimator
     */
    static <K, V> SizeEstimator<K, V> of(ToLongFunction<? super K> keyBytes, ToLongFunction<? super V> valueBytes) {
        Objects.requireNonNull(keyBytes, "keyBytes must not be null");
        Objects.requireNonNull(valueBytes, "valueBytes must not be null");
        return (key, value) -> saturatedAdd(keyBytes.applyAsLong(key), valueBytes.applyAsLong(value));
    }

    /** {@return an estimator for string keys and string values (JSON documents, rendered fragments, tokens)} */
    static SizeEstimator<String, String> strings() {
        return (key, value) -> sizeOfString(key) + sizeOfString(value);
    }

    /** {@return an estimator for string keys and byte-array values (serialized objects, static assets)} */
    static SizeEstimator<String, byte[]> stringsToByteArrays() {
        return (key, value) -> sizeOfString(key) + sizeOfByteArray(value);
    }

    /**
     * The bytes of a string and its character array, as compact strings store it: one byte per
     * character if all are Latin-1, else two.
     *
     * @param string the string
     * @return its estimated size; 56 for a 16-character ASCII string
     */
    static long sizeOfString(String string) {
        int length = string.length();
        int bytesPerChar = 1;
        for (int i = 0; i < length; i++) {
            if (string.charAt(i) > 0xFF) {
                bytesPerChar = 2;
                break;
            }
        }
        return STRING_BYTES + aligned(ARRAY_HEADER_BYTES + (long) length * bytesPerChar);
    }

    /**
     * The bytes of a byte array: its header and its elements, aligned.
     *
     * @param array the array
     * @return its estimated size; 1040 for 1024 elements
     */
    static long sizeOfByteArray(byte[] array) {
        return aligned(ARRAY_HEADER_BYTES + array.length);
    }

    /**
     * A size rounded up to the JVM's 8-byte object alignment.
     *
     * @param bytes a size, zero or more
     * @return the size as allocated
     */
    static long aligned(long bytes) {
        return (bytes + 7) & ~7L;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        // Negative parts are passed through so that the cache reports them; only overflow saturates.
        return a > 0 && b > 0 && sum < 0 ? Long.MAX_VALUE : sum;
    }
}
