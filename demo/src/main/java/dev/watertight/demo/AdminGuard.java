package dev.watertight.demo;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;

/**
 * What the admin endpoints ({@code /admin/*}, {@code /metrics}, {@code /api/*}, {@code /health})
 * ask of a request besides coming over loopback, so that a web page in a developer's browser
 * cannot use them: its {@code Host} must be a loopback name ({@code 127.0.0.1}, {@code localhost},
 * {@code [::1]}, any port; a DNS-rebound name is refused with 403); a POST must be
 * {@code application/json} (415: a form or {@code text/plain} POST, which a page may send
 * without asking, is refused); and when the service was given an admin token, an
 * {@code Authorization: Bearer} header with it (401). Thread-safe (no state).
 */
final class AdminGuard {
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]");

    private AdminGuard() {}

    static void check(Context ctx, String token) {
        String host = ctx.header("Host");
        if (host == null || !LOOPBACK.contains(hostName(host))) {
            throw new ApiException(403, "the admin endpoints answer only to a loopback Host (127.0.0.1, localhost, [::1]), was "
                    + (host == null ? "none" : "'" + shorten(host) + "'"), "Host", host == null ? null : shorten(host),
                    "127.0.0.1, localhost or [::1], with any port");
        }
        if (ctx.method() == HandlerType.POST) {
            String type = ctx.header("Content-Type");
            String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (!media.equals("application/json")) {
                throw new ApiException(415, "an admin POST must have Content-Type application/json, was "
                        + (type == null ? "none" : "'" + shorten(type) + "'"), "Content-Type",
                        type == null ? null : shorten(type), "application/json");
            }
        }
        if (token != null) {
            String given = ctx.header("Authorization");
            String expected = "Bearer " + token;
            if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                    expected.getBytes(StandardCharsets.UTF_8))) {
                ctx.header("WWW-Authenticate", "Bearer realm=\"watertight-admin\"");
                throw new ApiException(401, "the admin endpoints need 'Authorization: Bearer <the --admin-token>'",
                        "Authorization", null, "Bearer <the --admin-token given to serve>");
            }
        }
    }

    private static String hostName(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
