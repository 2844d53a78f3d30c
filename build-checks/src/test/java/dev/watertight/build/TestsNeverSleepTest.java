package dev.watertight.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No test in any module waits with {@code Thread.sleep}: tests synchronize with latches,
 * barriers, Awaitility or a hand-moved time source. forbidden-apis checks the compiled tests for
 * the {@code long} overloads and {@code TimeUnit.sleep}; this reads the sources, which also
 * catches {@code Thread.sleep(Duration)} (a method the check cannot list while Maven runs on
 * Java 17).
 */
class TestsNeverSleepTest {

    @Test
    void noTestSourceCallsThreadSleep() {
        List<Path> tests = SourceTree.modules().stream()
                .flatMap(module -> Stream.of("src/test/java", "src/stress/java", "src/lincheck/java")
                        .map(module::resolve))
                .flatMap(folder -> SourceTree.javaFiles(folder).stream())
                .filter(path -> !path.endsWith("TestsNeverSleepTest.java"))
                .toList();

        assertThat(tests).as("test sources found").hasSizeGreaterThan(100);
        assertThat(tests.stream().filter(TestsNeverSleepTest::callsSleep).toList()).isEmpty();
    }

    private static boolean callsSleep(Path file) {
        try {
            return Files.readString(file).contains("Thread.sleep(");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
