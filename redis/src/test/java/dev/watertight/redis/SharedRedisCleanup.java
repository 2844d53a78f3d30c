package dev.watertight.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Hands out compartment names for tests on the shared Redis, and deletes what those compartments
 * left there (the fencing counter never expires by design) once the test class is done. Only keys
 * of names it handed out are deleted, so tests of other builds on the same Redis are not touched.
 */
final class SharedRedisCleanup implements AfterAllCallback {
    private static final Set<String> NAMES = ConcurrentHashMap.newKeySet();

    static String uniqueName() {
        String name = "test-" + UUID.randomUUID();
        NAMES.add(name);
        return name;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> keys = new ArrayList<>();
        for (String name : NAMES) {
            for (String suffix : List.of("leases", "tokens", "fence", "waiters", "deadlines", "tat")) {
                keys.add("watertight:{" + name + "}:" + suffix);
            }
            keys.add("test:{" + name + "}:inside");
            NAMES.remove(name);
        }
        if (keys.isEmpty()) {
            return;
        }
        RedisClient client = RedisClient.create(RedisServer.SHARED);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().del(keys.toArray(String[]::new));
        } finally {
            client.shutdown();
        }
    }
}
