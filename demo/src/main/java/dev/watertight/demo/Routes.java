package dev.watertight.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The methods each of the server's paths answers, for the {@code Allow} header of a 405 and to
 * refuse HEAD (no route of the shop runs for it; a GET is the way to read). Immutable.
 */
final class Routes {
    private static final Map<Pattern, Set<String>> METHODS = new LinkedHashMap<>();

    static {
        METHODS.put(Pattern.compile("/users"), Set.of("POST"));
        METHODS.put(Pattern.compile("/users/[^/]+"), Set.of("GET"));
        METHODS.put(Pattern.compile("/orders"), Set.of("POST"));
        METHODS.put(Pattern.compile("/reports/[^/]+"), Set.of("GET"));
        METHODS.put(Pattern.compile("/admin/stubs/[^/]+"), Set.of("POST"));
        METHODS.put(Pattern.compile("/(health|metrics|admin/stubs|dashboard|api/snapshot|api/events|dashboard/.*)"),
                Set.of("GET"));
    }

    private Routes() {}

    /** The methods the path answers, comma separated, or null if it is no path of the server. */
    static String allow(String path) {
        for (var entry : METHODS.entrySet()) {
            if (entry.getKey().matcher(path).matches()) {
                return String.join(", ", new TreeSet<>(entry.getValue()));
            }
        }
        return null;
    }
}
