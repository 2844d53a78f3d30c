package dev.watertight.build;

import java.nio.file.Path;
import java.util.List;
import org.w3c.dom.Element;

/**
 * The modules published to Maven Central: every module of the root POM whose packaging is a jar
 * and that does not set {@code maven.deploy.skip} (the demo, the examples, the benchmarks and
 * these checks set it).
 */
final class PublishedModules {
    private PublishedModules() {}

    /** One published module: its folder and its artifactId. */
    record Module(Path folder, String artifactId) {}

    /** The published jar modules, in the root POM's order. */
    static List<Module> jars() {
        return SourceTree.modules().stream()
                .filter(folder -> {
                    Element pom = SourceTree.pom(folder.resolve("pom.xml"));
                    String packaging = SourceTree.text(pom, "packaging");
                    boolean jar = packaging == null || packaging.equals("jar");
                    return jar && !"true".equals(SourceTree.text(SourceTree.child(pom, "properties"), "maven.deploy.skip"));
                })
                .map(folder -> new Module(folder, SourceTree.text(SourceTree.pom(folder.resolve("pom.xml")), "artifactId")))
                .toList();
    }
}
