package dev.watertight.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.watertight.ConfigProblem;
import dev.watertight.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden set of bad files: each {@code bad/NAME.yaml} must produce exactly the problems in
 * {@code bad/NAME.expected}, one per line as {@code file:line:column: path: message [value]}, all of
 * them at once. A changed message shows up here as a diff; the actual output is written to
 * {@code target/golden/NAME.actual} to compare.
 */
class BadFilesTest {
    private static final Path BAD = Path.of("src/test/resources/bad");

    static Stream<String> badFiles() throws IOException {
        try (Stream<Path> files = Files.list(BAD)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml"))
                    .map(name -> name.substring(0, name.length() - ".yaml".length()))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest
    @MethodSource("badFiles")
    void eachBadFileGivesItsPreciseProblemsAllAtOnce(String name) throws IOException {
        String yaml = Files.readString(BAD.resolve(name + ".yaml"), StandardCharsets.UTF_8);

        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class,
                () -> WatertightYaml.parse(yaml, "bad/" + name + ".yaml"));

        assertThat(refused).as("bad/%s.yaml must be refused", name).isNotNull();
        String actual = lines(refused.problems());
        Path golden = Path.of("target/golden");
        Files.createDirectories(golden);
        Files.writeString(golden.resolve(name + ".actual"), actual, StandardCharsets.UTF_8);
        String expected = Files.readString(BAD.resolve(name + ".expected"), StandardCharsets.UTF_8);
        assertThat(actual).isEqualTo(expected);
        assertThat(refused.getMessage()).contains(refused.problems().size() == 1 ? "1 problem" : refused.problems().size() + " problems");
    }

    private static String lines(List<ConfigProblem> problems) {
        return problems.stream()
                .map(problem -> problem + (problem.value() == null ? "" : " [" + problem.value() + "]"))
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
