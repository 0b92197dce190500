package dev.quiver.bench.gpu;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

/**
 * The GPU tests' results as the JUnit Platform console wrote them ({@code --reports-dir}: the
 * legacy {@code TEST-*.xml} files), as the report's first table: one row per test.
 */
final class JunitResults {

    private JunitResults() {}

    /** One test case. */
    record Case(String className, String name, String seconds, String outcome, String message) {}

    /** The cases of every {@code TEST-*.xml} in {@code dir}; empty when there is none. */
    static List<Case> read(Path dir) throws IOException {
        List<Case> cases = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return cases;
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml"))
                    .sorted()
                    .toList();
        }
        for (Path file : files) {
            cases.addAll(parse(file));
        }
        return cases;
    }

    private static List<Case> parse(Path file) throws IOException {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            document = factory.newDocumentBuilder().parse(file.toFile());
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("cannot read the JUnit report " + file + ": " + e.getMessage(), e);
        }
        List<Case> cases = new ArrayList<>();
        NodeList testCases = document.getElementsByTagName("testcase");
        for (int i = 0; i < testCases.getLength(); i++) {
            Element testCase = (Element) testCases.item(i);
            String outcome = "passed";
            String message = "";
            for (String kind : new String[] {"failure", "error", "skipped"}) {
                NodeList found = testCase.getElementsByTagName(kind);
                if (found.getLength() > 0) {
                    outcome = kind.equals("skipped") ? "skipped" : "**" + kind + "**";
                    message = ((Element) found.item(0)).getAttribute("message");
                    break;
                }
            }
            cases.add(new Case(testCase.getAttribute("classname"), testCase.getAttribute("name"),
                    testCase.getAttribute("time"), outcome, message));
        }
        return cases;
    }

    /** The report's section: a table of cases, or a line saying there were none. */
    static String markdown(List<Case> cases, String consoleStatus) {
        StringBuilder out = new StringBuilder("## GPU tests (JUnit, tag `gpu`)\n\n");
        out.append(consoleStatus).append("\n\n");
        if (cases.isEmpty()) {
            return out.append("No test tagged `gpu` was found or run.\n\n").toString();
        }
        long passed = cases.stream().filter(c -> c.outcome().equals("passed")).count();
        long skipped = cases.stream().filter(c -> c.outcome().equals("skipped")).count();
        out.append(String.format("%d tests: %d passed, %d skipped, %d failed.%n%n", cases.size(),
                passed, skipped, cases.size() - passed - skipped));
        out.append("| class | test | seconds | outcome | message |\n|---|---|---|---|---|\n");
        for (Case c : cases) {
            out.append("| ").append(String.join(" | ", c.className(), cell(c.name()),
                            c.seconds(), c.outcome(), cell(c.message())))
                    .append(" |\n");
        }
        return out.append('\n').toString();
    }

    private static String cell(String text) {
        String flat = text.replace('\n', ' ').replace("|", "\\|");
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }
}
