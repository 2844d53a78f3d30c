package dev.watertight.redis;

/**
 * The Lua script of {@link ClusterRateLimiter}: the generic cell rate algorithm (GCRA), as in
 * ATM networks and core's {@code RateLimiter}, on the Redis server's clock.
 *
 * <p>The whole state is one number, the theoretical arrival time ({@code tat}): when the bucket
 * would be empty again at the configured rate. A request of {@code n} permits fits if
 * {@code max(tat, now) + n * interval - now <= burst * interval}; it then moves {@code tat}
 * forward by {@code n * interval}. Reading, deciding and writing happen in one script, so two
 * clients can never both spend the last permit; the time is Redis's {@code TIME} in
 * microseconds, so client clocks play no part. The key expires when the bucket is full again,
 * which is the same as no key at all: idle limiters leave nothing behind.
 *
 * <p>KEYS: the tat key ({@code P{N}:tat}). ARGV: interval in microseconds (may be fractional),
 * burst times interval in microseconds, permits. Returns {1, 0} when granted, or {0, micros until
 * the request would fit}.
 */
final class RateScript {
    private RateScript() {}

    static final Script GCRA = Script.of("gcra", """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local interval = tonumber(ARGV[1])
            local capacity = tonumber(ARGV[2])
            local cost = interval * tonumber(ARGV[3])
            local tat = tonumber(redis.call('GET', KEYS[1]) or now)
            if tat < now then
              tat = now
            end
            local newTat = tat + cost
            local over = newTat - now - capacity
            if over > 0 then
              return {0, math.ceil(over)}
            end
            local ttl = math.ceil((newTat - now) / 1000) + 1
            redis.call('SET', KEYS[1], string.format('%.0f', newTat), 'PX', ttl)
            return {1, 0}
            """);

    static String key(String prefix, String name) {
        return prefix + "{" + name + "}:tat";
    }
}
