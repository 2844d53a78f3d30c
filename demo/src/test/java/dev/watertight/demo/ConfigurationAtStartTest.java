package dev.watertight.demo;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A configuration without a compartment the shop uses fails the start, naming it (issue 18, item 4). */
class ConfigurationAtStartTest {

    @Test
    void aMissingCompartmentFailsTheStartNamingIt() throws IOException {
        String shipped;
        try (InputStream in = ShopService.class.getResourceAsStream(ShopService.CONFIG_RESOURCE)) {
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String withoutUserOps = shipped.replace("  user-ops:\n    threadPool: { threads: 5, queueCapacity: 20, timeout: 2s, shutdownGrace: 2s }\n", "");
        String withoutSessions = shipped.replace("  session-cache: 50MB\n", "");
        for (Mode mode : Mode.values()) {
            assertThatThrownBy(() -> ShopService.start(Tests.fast().mode(mode).configYaml(withoutUserOps)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the configuration lacks what the shop uses: compartments.user-ops");
            assertThatThrownBy(() -> ShopService.start(Tests.fast().mode(mode).configYaml(withoutSessions)))
                    .hasMessageContaining("memory.session-cache");
        }
    }
}
