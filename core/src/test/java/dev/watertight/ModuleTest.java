package dev.watertight;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The compiled module exports the user-facing package only, and needs no library to run: only JDK
 * modules (the nullness annotations are a compile-time requirement).
 */
class ModuleTest {

    @Test
    void coreModuleExportsOnlyTheUserFacingPackageAndRequiresNothing() {
        Path classes = Path.of("target", "classes");
        ModuleReference reference = ModuleFinder.of(classes).find("dev.watertight.core").orElseThrow();
        ModuleDescriptor descriptor = reference.descriptor();

        Set<String> exported = descriptor.exports().stream()
                .map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
        Set<String> neededToRun = descriptor.requires().stream()
                .filter(requires -> !requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                .map(ModuleDescriptor.Requires::name)
                .collect(Collectors.toSet());
        Set<String> neededToCompile = descriptor.requires().stream()
                .filter(requires -> requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                .map(ModuleDescriptor.Requires::name)
                .collect(Collectors.toSet());

        assertThat(exported).containsExactly("dev.watertight");
        assertThat(descriptor.packages()).contains("dev.watertight.internal");
        assertThat(neededToRun).containsExactlyInAnyOrder("java.base", "java.management", "jdk.management");
        // The nullness annotations only: read when compiling against the module, never to run it.
        assertThat(neededToCompile).containsExactly("org.jspecify");
    }
}
