package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rules the build enforces rather than hopes for: no {@code synchronized} in the library (a
 * monitor held across a blocking call pins a virtual thread on Java 21), and no
 * {@code Thread.sleep} in the tests (sleeps make tests slow and flaky; they use latches,
 * barriers, Awaitility or a manual time source instead).
 */
class HouseRulesTest {

    private static List<Path> javaFiles(String folder) {
        try (Stream<Path> files = Files.walk(Path.of(folder))) {
            return files.filter(path -> path.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> filesContaining(List<Path> files, String text) {
        return files.stream().filter(path -> {
            try {
                return Files.readString(path).contains(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    @Test
    void libraryCodeNeverUsesSynchronized() {
        List<Path> sources = javaFiles("src/main/java");
        assertThat(sources).isNotEmpty();
        assertThat(filesContaining(sources, "synchronized")).isEmpty();
    }

    @Test
    void testsNeverSleepToSynchronize() {
        List<Path> tests = Stream.of("src/test/java", "src/stress/java", "src/lincheck/java")
                .filter(folder -> Files.isDirectory(Path.of(folder)))
                .flatMap(folder -> javaFiles(folder).stream())
                .filter(path -> !path.endsWith("HouseRulesTest.java"))
                .toList();
        assertThat(filesContaining(tests, "Thread.sleep(")).isEmpty();
    }
}
