package dev.watertight.redis;

/**
 * The Lua scripts of {@link ClusterBulkhead}, and the keys they use.
 *
 * <p>Redis runs a script atomically: no other command runs between its first and last line, on
 * any connection. Every decision below (is a lease expired, is a permit free, is this caller next
 * in line) is therefore taken on a state nobody else can change meanwhile, and each operation is
 * one round trip. Every script reads the time with {@code TIME}, the server's clock; a client's
 * clock is never sent, so clients whose clocks disagree by minutes still agree on every expiry.
 * (Redis 7 replicates the effects of a script, not the script, so reading {@code TIME} before
 * writing is allowed and replicas see the same scores.)
 *
 * <p>Keys of a compartment named {@code N} under prefix {@code P}, all with the hash tag
 * {@code {N}} so that they live on one Redis Cluster slot:
 * <ul>
 *   <li>{@code P{N}:leases}: sorted set, lease id scored by its expiry (server milliseconds);
 *   <li>{@code P{N}:tokens}: hash, lease id to its fencing token;
 *   <li>{@code P{N}:fence}: the last fencing token granted, never expired; the next token is the
 *       larger of it plus one and the server's clock in microseconds, so tokens only grow, also
 *       after this key was lost (see below);
 *   <li>{@code P{N}:waiters}: sorted set, a waiting caller's lease id scored by when it first
 *       waited: the cluster-wide line;
 *   <li>{@code P{N}:deadlines}: sorted set, the same ids scored by when they stop waiting, so a
 *       waiter that crashed or gave up leaves the line on its own;
 *   <li>{@code P{N}:released}: the pub/sub channel on which a release is announced while someone
 *       waits.
 * </ul>
 *
 * <p><b>Why fencing tokens survive data loss.</b> A plain counter ({@code INCR}) starts again at 1
 * when Redis loses its data ({@code FLUSHALL}, a restart without persistence, a failover to a
 * replica that missed recent writes): tokens already handed out would be issued again, and a
 * fenced resource would refuse the new holder and accept the old one. So a token is
 * {@code max(last + 1, server time in µs)}. While the key survives, tokens grow by at least one
 * per grant whatever the clock does. When it is lost, the next token is the server's clock,
 * which is past every earlier token as long as (a) tokens never ran ahead of the clock, and
 * (b) the clock of the server that answers now is not behind the one that issued them by more
 * than the time the loss took. (a) holds because a token runs ahead of the clock only by the
 * grants of the same microsecond, and one Redis runs far fewer than one script per microsecond;
 * (b) holds for a restart (seconds) and for a failover between NTP-synchronised machines (the
 * failover takes longer than their offset, milliseconds). A server clock stepped back by more
 * than the outage is the one case where a token could repeat; it is stated in the README. The
 * values (about 1.8e15 in 2026) stay below 2^53, so Lua's doubles hold them exactly.
 */
final class LeaseScripts {
    private LeaseScripts() {}

    /** The current server time in milliseconds, and removal of expired leases and waiters. */
    private static final String NOW_AND_PURGE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local reclaimed = 0
            local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 256)
            for _, id in ipairs(expired) do
              redis.call('ZREM', KEYS[1], id)
              redis.call('HDEL', KEYS[2], id)
              reclaimed = reclaimed + 1
            end
            local gone = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now, 'LIMIT', 0, 256)
            for _, id in ipairs(gone) do
              redis.call('ZREM', KEYS[5], id)
              redis.call('ZREM', KEYS[4], id)
            end
            """;

    /**
     * Acquire. KEYS: leases, tokens, fence, waiters, deadlines, channel. ARGV: lease id, limit,
     * lease millis, wait millis (0: do not join the line). Returns {granted, token, in use,
     * reclaimed, millis until the earliest lease expires or -1}.
     *
     * <p>A lease id that already holds a lease (the reply to an earlier attempt was lost) gets its
     * lease extended and its token back: a retried acquire never takes a second permit. A caller
     * is granted a permit when the leases in use plus the waiters ahead of it in line are below
     * the limit; a newcomer counts every waiter as ahead, so nobody overtakes the line.
     */
    static final Script ACQUIRE = Script.of("acquire", NOW_AND_PURGE + """
            local id = ARGV[1]
            local limit = tonumber(ARGV[2])
            local leaseMs = tonumber(ARGV[3])
            local waitMs = tonumber(ARGV[4])
            local held = redis.call('HGET', KEYS[2], id)
            if held then
              redis.call('ZADD', KEYS[1], 'XX', now + leaseMs, id)
              return {1, tonumber(held), redis.call('ZCARD', KEYS[1]), reclaimed, -1}
            end
            local inUse = redis.call('ZCARD', KEYS[1])
            local ahead = redis.call('ZRANK', KEYS[4], id)
            local queued = ahead
            if not ahead then
              ahead = redis.call('ZCARD', KEYS[4])
            end
            if inUse + ahead < limit then
              -- The fencing token: the server's clock in microseconds, or one more than the last
              -- token if that is higher (see the class comment): never repeats, never goes down,
              -- even after the counter was lost with the rest of the data.
              local micros = tonumber(t[1]) * 1000000 + tonumber(t[2])
              local token = math.max(tonumber(redis.call('GET', KEYS[3]) or '0') + 1, micros)
              redis.call('SET', KEYS[3], string.format('%.0f', token))
              redis.call('ZADD', KEYS[1], now + leaseMs, id)
              redis.call('HSET', KEYS[2], id, string.format('%.0f', token))
              if queued then
                redis.call('ZREM', KEYS[4], id)
                redis.call('ZREM', KEYS[5], id)
              end
              inUse = inUse + 1
              if inUse < limit and redis.call('ZCARD', KEYS[4]) > 0 then
                redis.call('PUBLISH', KEYS[6], 'free')
              end
              return {1, token, inUse, reclaimed, -1}
            end
            if waitMs > 0 then
              redis.call('ZADD', KEYS[4], 'NX', now, id)
              redis.call('ZADD', KEYS[5], now + waitMs, id)
            end
            if reclaimed > 0 then
              redis.call('PUBLISH', KEYS[6], 'free')
            end
            local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            local untilExpiry = -1
            if first[2] then
              untilExpiry = tonumber(first[2]) - now
            end
            return {0, 0, inUse, reclaimed, untilExpiry}
            """);

    /**
     * Release, also used to leave the line. KEYS: leases, tokens, waiters, deadlines, channel.
     * ARGV: lease id. Returns 1 if a lease was released, 0 if there was none (released before,
     * expired, or never granted): releasing twice is harmless.
     */
    static final Script RELEASE = Script.of("release", """
            local removed = redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('HDEL', KEYS[2], ARGV[1])
            redis.call('ZREM', KEYS[3], ARGV[1])
            redis.call('ZREM', KEYS[4], ARGV[1])
            if removed == 1 and redis.call('ZCARD', KEYS[3]) > 0 then
              redis.call('PUBLISH', KEYS[5], 'free')
            end
            return removed
            """);

    /**
     * Renew. KEYS: leases. ARGV: lease millis, then lease ids. Extends every lease that has not
     * expired; returns the ids of those that had (they are lost: another caller may hold the
     * permit now, under a higher fencing token).
     */
    static final Script RENEW = Script.of("renew", """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local leaseMs = tonumber(ARGV[1])
            local lost = {}
            for i = 2, #ARGV do
              local expiry = redis.call('ZSCORE', KEYS[1], ARGV[i])
              if expiry and tonumber(expiry) > now then
                redis.call('ZADD', KEYS[1], 'XX', now + leaseMs, ARGV[i])
              else
                lost[#lost + 1] = ARGV[i]
              end
            end
            return lost
            """);

    /** Count. KEYS: leases. Returns the leases that have not expired. */
    static final Script IN_USE = Script.of("in-use", """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
            """);

    /** The keys of a compartment, in the order {@link #ACQUIRE} takes them. */
    static String[] keys(String prefix, String name) {
        String base = prefix + "{" + name + "}:";
        return new String[] {
            base + "leases", base + "tokens", base + "fence", base + "waiters", base + "deadlines", base + "released"
        };
    }
}
