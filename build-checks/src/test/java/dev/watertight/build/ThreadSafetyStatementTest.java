package dev.watertight.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExportsTree;
import com.sun.source.tree.ModuleTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every public type of an exported package of a published module says in its Javadoc whether it
 * is thread-safe: the words "thread-safe" (or "not thread-safe") or "immutable". A user deciding
 * whether to share a guard, a builder or a snapshot between threads reads it there.
 *
 * <p>The sources are parsed with the JDK's compiler API (parsing only, no compilation), so nested
 * types and comments are found as the compiler sees them.
 */
class ThreadSafetyStatementTest {
    private static final Pattern STATEMENT = Pattern.compile("thread-safe|immutable");

    @Test
    void everyPublicTypeOfAnExportedPackageSaysWhetherItIsThreadSafe() throws IOException {
        List<String> silent = new ArrayList<>();
        int checked = 0;
        for (PublishedModules.Module module : PublishedModules.jars()) {
            List<Path> sources = SourceTree.javaFiles(module.folder().resolve("src/main/java"));
            Set<String> exported = exportedPackages(sources);
            for (CompilationUnitTree unit : parse(sources)) {
                String pkg = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
                if (unit.getModule() != null || !exported.isEmpty() && !exported.contains(pkg)
                        || exported.isEmpty() && pkg.contains(".internal")) {
                    continue;
                }
                for (String type : typesWithoutStatement(unit)) {
                    silent.add(module.artifactId() + ": " + pkg + "." + type);
                }
                checked += unit.getTypeDecls().size();
            }
        }
        assertThat(checked).as("public types checked").isGreaterThan(50);
        assertThat(silent).as("public types whose Javadoc does not say whether they are thread-safe").isEmpty();
    }

    /** The packages a module descriptor exports; empty when there is none (every package is). */
    private static Set<String> exportedPackages(List<Path> sources) throws IOException {
        List<Path> descriptors = sources.stream().filter(path -> path.endsWith("module-info.java")).toList();
        return parse(descriptors).stream()
                .map(CompilationUnitTree::getModule)
                .flatMap(module -> module.getDirectives().stream())
                .filter(ExportsTree.class::isInstance)
                .map(directive -> ((ExportsTree) directive).getPackageName().toString())
                .collect(Collectors.toSet());
    }

    private static List<? extends CompilationUnitTree> parse(List<Path> sources) throws IOException {
        if (sources.isEmpty()) {
            return List.of();
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
            JavacTask task = (JavacTask) compiler.getTask(null, files, null, List.of("-proc:none"), null, units);
            DocTrees.instance(task); // keeps the doc comments while parsing
            List<CompilationUnitTree> parsed = new ArrayList<>();
            task.parse().forEach(parsed::add);
            current = DocTrees.instance(task);
            return parsed;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static DocTrees current;

    /** The public types of the unit, nested ones included, whose comment has no statement. */
    private static List<String> typesWithoutStatement(CompilationUnitTree unit) {
        DocTrees docs = current;
        List<String> silent = new ArrayList<>();
        new TreePathScanner<Void, String>() {
            @Override
            public Void visitClass(ClassTree type, String outer) {
                String name = outer == null ? type.getSimpleName().toString() : outer + "." + type.getSimpleName();
                if (isPublic(getCurrentPath())) {
                    String comment = docs.getDocComment(getCurrentPath());
                    if (comment == null || !STATEMENT.matcher(comment.toLowerCase(Locale.ROOT)).find()) {
                        silent.add(name);
                    }
                    return super.visitClass(type, name);
                }
                return null; // a type that is not public hides what it holds
            }
        }.scan(unit, null);
        return silent;
    }

    /** Public, or a member of an interface (and so public without saying it). */
    private static boolean isPublic(TreePath path) {
        ClassTree type = (ClassTree) path.getLeaf();
        if (type.getModifiers().getFlags().contains(Modifier.PUBLIC)) {
            return true;
        }
        Tree parent = path.getParentPath().getLeaf();
        return parent instanceof ClassTree outer
                && (outer.getKind() == Tree.Kind.INTERFACE || outer.getKind() == Tree.Kind.ANNOTATION_TYPE)
                && !type.getModifiers().getFlags().contains(Modifier.PRIVATE);
    }
}
