package dev.watertight.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * The BOM names every published module, at the project's version, and nothing else: a module
 * added without its BOM entry (or an entry left behind by a removed module) fails the build.
 */
class BomTest {

    @Test
    void bomListsExactlyThePublishedModulesAtTheProjectVersion() {
        Element bom = SourceTree.pom(SourceTree.root().resolve("bom/pom.xml"));
        List<Element> managed = SourceTree.children(
                SourceTree.child(SourceTree.child(bom, "dependencyManagement"), "dependencies"), "dependency");
        Map<String, String> versions = managed.stream().collect(Collectors.toMap(
                dependency -> SourceTree.text(dependency, "groupId") + ":" + SourceTree.text(dependency, "artifactId"),
                dependency -> String.valueOf(SourceTree.text(dependency, "version"))));
        List<String> published = PublishedModules.jars().stream()
                .map(module -> "dev.watertight:" + module.artifactId())
                .toList();

        assertThat(published).as("published modules").isNotEmpty().contains("dev.watertight:watertight-core");
        assertThat(versions.keySet()).as("the BOM's entries").containsExactlyInAnyOrderElementsOf(published);
        assertThat(versions.values()).as("every entry at the project's version").containsOnly("${project.version}");
    }

    @Test
    void publishedModulesAreThoseTheReleaseProfileDoesNotExclude() {
        Element parent = SourceTree.pom(SourceTree.root().resolve("pom.xml"));
        List<String> excluded = SourceTree.children(SourceTree.child(parent, "profiles"), "profile").stream()
                .flatMap(profile -> SourceTree.children(SourceTree.child(SourceTree.child(profile, "build"), "plugins"),
                        "plugin").stream())
                .filter(plugin -> "central-publishing-maven-plugin".equals(SourceTree.text(plugin, "artifactId")))
                .flatMap(plugin -> SourceTree.children(
                        SourceTree.child(SourceTree.child(plugin, "configuration"), "excludeArtifacts"),
                        "excludeArtifact").stream())
                .map(element -> element.getTextContent().trim())
                .toList();
        List<String> notPublished = SourceTree.modules().stream()
                .map(folder -> SourceTree.pom(folder.resolve("pom.xml")))
                .filter(pom -> "true".equals(SourceTree.text(SourceTree.child(pom, "properties"), "maven.deploy.skip")))
                .map(pom -> SourceTree.text(pom, "artifactId"))
                .toList();

        assertThat(excluded).as("excluded from Central").containsExactlyInAnyOrderElementsOf(notPublished);
    }
}
