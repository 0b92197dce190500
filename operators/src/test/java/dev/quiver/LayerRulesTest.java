package dev.quiver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of the operators module, as docs/architecture.md draws them, checked on the compiled
 * classes:
 *
 * <ul>
 *   <li><b>kernels</b> ({@code knn}, {@code bayes}, {@code walk}, {@code ensemble}, {@code
 *       compute}): plain Java, free of Flink, Kafka, Avro, the generated schema classes and the
 *       wire formats;
 *   <li><b>wire formats</b> ({@code io}): Avro and NDJSON, free of Flink, Kafka and the kernels;
 *   <li><b>adapters</b> ({@code <family>.flink}, {@code io.flink}): the only classes that touch
 *       Flink, and so the only bridge between kernels and records.
 * </ul>
 *
 * Each rule names the layer a class crosses into, so a failure says where the class belongs.
 */
class LayerRulesTest {

    private static final String[] KERNELS = {
        "dev.quiver.knn", "dev.quiver.bayes", "dev.quiver.bayes.special", "dev.quiver.walk",
        "dev.quiver.ensemble", "dev.quiver.compute"
    };

    private static final String[] FRAMEWORK = {
        "org.apache.flink..", "org.apache.kafka..", "org.apache.avro..", "dev.quiver.schema.."
    };

    private static JavaClasses operators;

    @BeforeAll
    static void importOperators() {
        operators =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                        .importPackages("dev.quiver");
    }

    @Test
    void everyLayerHasClasses() {
        for (String kernel : KERNELS) {
            assertThat(operators.containPackage(kernel)).as(kernel).isTrue();
            assertThat(operators.getPackage(kernel).getClasses()).as(kernel).isNotEmpty();
        }
        assertThat(operators.getPackage("dev.quiver.io").getClasses()).isNotEmpty();
        for (String adapter : new String[] {"knn", "bayes", "walk", "ensemble", "io"}) {
            assertThat(operators.getPackage("dev.quiver." + adapter + ".flink").getClasses())
                    .as(adapter + ".flink")
                    .isNotEmpty();
        }
    }

    @Test
    void kernelsDependOnNeitherTheFrameworkNorTheWireFormats() {
        ArchRule rule =
                noClasses()
                        .that()
                        .resideInAnyPackage(KERNELS)
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(concat(FRAMEWORK, "dev.quiver.io..", "..flink.."))
                        .because(
                                "kernels are plain Java over primitive arrays: records reach them"
                                        + " through an adapter in <family>.flink");
        rule.check(operators);
    }

    @Test
    void wireFormatsDependOnNeitherFlinkNorKernels() {
        ArchRule rule =
                noClasses()
                        .that()
                        .resideInAPackage("dev.quiver.io")
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(
                                concat(
                                        new String[] {"org.apache.flink..", "org.apache.kafka.."},
                                        concat(KERNELS, "..flink..")))
                        .because(
                                "dev.quiver.io is the records' byte formats, shared by jobs, the"
                                        + " CLI and tests; Flink plumbing lives in io.flink");
        rule.check(operators);
    }

    @Test
    void onlyAdaptersTouchFlinkOrKafka() {
        ArchRule rule =
                noClasses()
                        .that()
                        .resideOutsideOfPackage("..flink..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage("org.apache.flink..", "org.apache.kafka..")
                        .because("adapters in <family>.flink and io.flink are the only bridge");
        rule.check(operators);
    }

    @Test
    void adaptersAreNotUsedByKernelsOrWireFormats() {
        ArchRule rule =
                classes()
                        .that()
                        .resideInAPackage("..flink..")
                        .should()
                        .onlyHaveDependentClassesThat()
                        .resideInAPackage("..flink..")
                        .because("the layers point one way: adapters call kernels, never back");
        rule.check(operators);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.quiver.(**)").should().beFreeOfCycles().check(operators);
    }

    /**
     * The capability interfaces are the bottom of the kernels: knn, walk, ensemble and a GPU
     * backend in compute.cuda depend on compute, so compute depending on any of them would close a
     * cycle (and make a backend pull in the kernels' code).
     */
    @Test
    void computeDependsOnNoOtherQuiverPackage() {
        noClasses()
                .that()
                .resideInAPackage("dev.quiver.compute..")
                .should()
                .dependOnClassesThat(
                        JavaClass.Predicates.resideInAPackage("dev.quiver..")
                                .and(
                                        DescribedPredicate.not(
                                                JavaClass.Predicates.resideInAPackage(
                                                        "dev.quiver.compute.."))))
                .because(
                        "compute holds the capability interfaces, of JDK types and its own only,"
                                + " which every kernel package and backend may use")
                .check(operators);
    }

    @Test
    void onlyTheNd4jBackendTouchesNd4j() {
        noClasses()
                .that()
                .haveNameNotMatching("dev\\.quiver\\.compute\\.Nd4jCpuDistances(\\$.*)?")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.nd4j..")
                .because(
                        "every kernel and every other backend must run without ND4J, and the"
                                + " capability interfaces carry no ND4J types")
                .check(operators);
    }

    @Test
    void flinkFunctionsLiveInAdapters() {
        classes()
                .that()
                .haveSimpleNameEndingWith("Function")
                .and()
                .resideInAPackage("dev.quiver..")
                .should()
                .resideInAPackage("..flink..")
                .check(operators);
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
