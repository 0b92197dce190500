package dev.quiver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jobs module's layers, checked on its compiled classes: the embedded broker and topic helpers
 * ({@code kafka}) know no job, the jobs ({@code jobs}) know no command line, and only the CLI
 * ({@code cli}) sits on top. The operators module's own rules are in its {@code LayerRulesTest}.
 */
class JobsLayerRulesTest {

    private static JavaClasses jobsModule;

    @BeforeAll
    static void importJobsModule() {
        jobsModule =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                        .importPackages("dev.quiver.jobs", "dev.quiver.cli", "dev.quiver.kafka");
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.quiver.(**)").should().beFreeOfCycles().check(jobsModule);
    }

    @Test
    void kafkaHelpersKnowNoJobAndNoCommandLine() {
        noClasses()
                .that()
                .resideInAPackage("dev.quiver.kafka..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.quiver.jobs..", "dev.quiver.cli..")
                .because("the broker and topic helpers serve jobs, the CLI and tests alike")
                .check(jobsModule);
    }

    @Test
    void jobsKnowNoCommandLine() {
        noClasses()
                .that()
                .resideInAPackage("dev.quiver.jobs..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.quiver.cli..")
                .because("a job main runs on a cluster, where the quiver CLI is not")
                .check(jobsModule);
    }
}
