package io.medalla.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noCodeUnits;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.medalla.api.Pipeline;
import io.medalla.cli.MedallaCli;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The boundaries the build enforces: public API, pipeline modules, banned calls. */
class TestArchitecture {
  private static final String[] FOREIGN_TYPES = {"scala..", "com.amazon.deequ..", "com.typesafe.."};
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.medalla");
  }

  @Test
  void pipelineModulesUseOnlyThePublicApi() {
    noClasses()
        .that()
        .resideInAPackage("io.medalla.pipelines..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.medalla.config..",
            "io.medalla.run..",
            "io.medalla.table..",
            "io.medalla.ops..",
            "io.medalla.cli..",
            "io.medalla.spark..",
            "io.medalla.testkit..")
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage(FOREIGN_TYPES)
        .because("domain pipelines build on io.medalla.api only")
        .check(classes);
  }

  @Test
  void publicApiDependsOnNothingInternal() {
    noClasses()
        .that()
        .resideInAPackage("io.medalla.api..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("io.medalla.api..", "java..", "org.apache.spark.sql..")
        .because("the API is what authors see; it must not leak internals or foreign types")
        .check(classes);
  }

  @Test
  void publicApiSignaturesExposeNoScalaDeequOrTypesafeTypes() {
    noCodeUnits()
        .that()
        .areDeclaredInClassesThat()
        .resideInAPackage("io.medalla.api..")
        .and()
        .arePublic()
        .should(exposeForeignTypes())
        .check(classes);
  }

  @Test
  void libraryCodeDoesNotPrintToTheConsole() {
    noClasses()
        .that()
        .resideInAPackage("io.medalla..")
        .and()
        .resideOutsideOfPackage("io.medalla.bench..")
        .and()
        .doNotBelongToAnyOf(MedallaCli.class)
        .should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err")
        .orShould()
        .callMethod(Throwable.class, "printStackTrace")
        .because("output goes through SLF4J, or the CLI's writers for command results")
        .check(classes);
  }

  @Test
  void everyPipelineClassIsRegisteredForDiscovery() {
    Set<String> concretePipelines =
        classes.stream()
            .filter(javaClass -> javaClass.isAssignableTo(Pipeline.class))
            .filter(javaClass -> javaClass.getPackageName().startsWith("io.medalla.pipelines"))
            .filter(javaClass -> !javaClass.getModifiers().contains(JavaModifier.ABSTRACT))
            .map(JavaClass::getName)
            .collect(Collectors.toSet());
    Set<String> registered =
        ServiceLoader.load(Pipeline.class).stream()
            .map(provider -> provider.type().getName())
            .collect(Collectors.toSet());

    assertThat(concretePipelines).isNotEmpty();
    assertThat(registered)
        .as("classes listed in META-INF/services/io.medalla.api.Pipeline")
        .containsAll(concretePipelines);
  }

  private static ArchCondition<JavaCodeUnit> exposeForeignTypes() {
    DescribedPredicate<JavaClass> foreign =
        DescribedPredicate.describe(
            "a Scala, Deequ or Typesafe type",
            type ->
                type.getPackageName().startsWith("scala")
                    || type.getPackageName().startsWith("com.amazon.deequ")
                    || type.getPackageName().startsWith("com.typesafe"));
    return new ArchCondition<>("expose " + foreign.getDescription()) {
      @Override
      public void check(JavaCodeUnit codeUnit, ConditionEvents events) {
        boolean exposes =
            foreign.test(codeUnit.getRawReturnType())
                || codeUnit.getRawParameterTypes().stream().anyMatch(foreign);
        events.add(new SimpleConditionEvent(codeUnit, exposes, codeUnit.getFullName()));
      }
    };
  }
}
