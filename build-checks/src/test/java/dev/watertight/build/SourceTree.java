package dev.watertight.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The project's tree as the build checks read it: its modules, their POMs and their sources,
 * found from the root folder the build passes in {@code watertight.root}.
 */
final class SourceTree {
    private SourceTree() {}

    /** The project's root folder. */
    static Path root() {
        String root = System.getProperty("watertight.root");
        if (root == null) {
            throw new IllegalStateException("watertight.root is not set; run the checks through Maven");
        }
        return Path.of(root).toAbsolutePath().normalize();
    }

    /** The module folders the root POM lists, in its order. */
    static List<Path> modules() {
        Element project = pom(root().resolve("pom.xml"));
        return children(child(project, "modules"), "module").stream()
                .map(module -> root().resolve(module.getTextContent().trim()))
                .toList();
    }

    /** A POM's {@code <project>} element. */
    static Element pom(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder().parse(file.toFile());
            return document.getDocumentElement();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** The first child element of that name, or null. */
    static Element child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        return null;
    }

    /** The child elements of that name. */
    static List<Element> children(Element parent, String name) {
        if (parent == null) {
            return List.of();
        }
        NodeList nodes = parent.getChildNodes();
        return Stream.iterate(0, i -> i < nodes.getLength(), i -> i + 1)
                .map(nodes::item)
                .filter(node -> node instanceof Element element && element.getTagName().equals(name))
                .map(Element.class::cast)
                .toList();
    }

    /** The text of the first child element of that name, or null. */
    static String text(Element parent, String name) {
        Element child = parent == null ? null : child(parent, name);
        return child == null ? null : child.getTextContent().trim();
    }

    /** Every {@code .java} file under a folder; none if it does not exist. */
    static List<Path> javaFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(path -> path.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
