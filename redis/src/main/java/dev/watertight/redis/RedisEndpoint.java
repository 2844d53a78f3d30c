package dev.watertight.redis;

import io.lettuce.core.RedisURI;
import java.util.Objects;

/**
 * Where a cluster-wide compartment finds Redis: a {@code redis://} or, with TLS,
 * {@code rediss://} URI, with an optional user name and password and database number, for
 * example {@code rediss://app:s3cret@redis.internal:6380/2}.
 *
 * <p>Credentials are never shown: {@link #toString()}, every exception message and every event
 * print the endpoint as {@code rediss://***@redis.internal:6380/2}. The URI's own
 * {@code timeout} parameter is ignored; a compartment's {@code redisTimeout} applies instead.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class RedisEndpoint {
    private final String uri;
    private final boolean ssl;
    private final boolean credentials;
    private final String host;
    private final int port;
    private final int database;

    private RedisEndpoint(String uri, boolean ssl, boolean credentials, String host, int port, int database) {
        this.uri = uri;
        this.ssl = ssl;
        this.credentials = credentials;
        this.host = host;
        this.port = port;
        this.database = database;
    }

    /**
     * Parses a Redis URI.
     *
     * @param uri such as {@code redis://127.0.0.1:6379} or {@code rediss://:password@host:6380/0}
     * @return the endpoint
     * @throws IllegalArgumentException naming the (masked) URI and what is allowed, if it is null,
     *     blank, not a {@code redis://} or {@code rediss://} URI, or has no host
     */
    public static RedisEndpoint of(String uri) {
        String allowed = "redisUri must be a redis:// or rediss:// URI with a host, such as"
                + " redis://127.0.0.1:6379 or rediss://user:password@host:6380/0, was ";
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException(allowed + (uri == null ? "null" : "'" + uri + "'"));
        }
        String shown = "'" + mask(uri) + "'";
        if (!(uri.startsWith("redis://") || uri.startsWith("rediss://"))) {
            throw new IllegalArgumentException(allowed + shown);
        }
        RedisURI parsed;
        try {
            // java.net.URI is stricter about the authority than Lettuce (which takes "host:junk" as a host).
            if (java.net.URI.create(uri).getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            parsed = RedisURI.create(uri);
        } catch (RuntimeException e) {
            // Lettuce's message may repeat the URI with its password: not passed on.
            throw new IllegalArgumentException(allowed + shown + " (it could not be parsed)");
        }
        if (parsed.getHost() == null || parsed.getHost().isBlank() || parsed.getPort() <= 0) {
            throw new IllegalArgumentException(allowed + shown);
        }
        return new RedisEndpoint(uri, parsed.isSsl(), hasUserInfo(uri), parsed.getHost(), parsed.getPort(),
                parsed.getDatabase());
    }

    /** {@return whether the connection uses TLS ({@code rediss://})} */
    public boolean tls() {
        return ssl;
    }

    /** {@return the host name or address} */
    public String host() {
        return host;
    }

    /** {@return the port} */
    public int port() {
        return port;
    }

    /** {@return the database number} */
    public int database() {
        return database;
    }

    /** A fresh Lettuce URI, with credentials, for connecting; never shown. */
    RedisURI lettuceUri() {
        return RedisURI.create(uri);
    }

    /** The URI with any user name and password replaced by {@code ***}. */
    @Override
    public String toString() {
        return (ssl ? "rediss://" : "redis://") + (credentials ? "***@" : "") + host + ":" + port + "/" + database;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RedisEndpoint that && uri.equals(that.uri);
    }

    @Override
    public int hashCode() {
        return Objects.hash(uri);
    }

    private static boolean hasUserInfo(String uri) {
        int start = uri.indexOf("://") + 3;
        int slash = uri.indexOf('/', start);
        int at = uri.lastIndexOf('@', slash < 0 ? uri.length() : slash);
        return at >= start;
    }

    /** The raw text with anything that looks like user info masked, for messages about bad URIs. */
    static String mask(String uri) {
        int scheme = uri.indexOf("://");
        if (scheme < 0) {
            return uri.indexOf('@') >= 0 ? "***@" + uri.substring(uri.lastIndexOf('@') + 1) : uri;
        }
        int start = scheme + 3;
        int slash = uri.indexOf('/', start);
        int at = uri.lastIndexOf('@', slash < 0 ? uri.length() : slash);
        return at >= start ? uri.substring(0, start) + "***" + uri.substring(at) : uri;
    }
}
