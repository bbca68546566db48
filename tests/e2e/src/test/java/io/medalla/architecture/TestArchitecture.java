package io.medalla.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noCodeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.medalla.api.Pipeline;
import io.medalla.cli.MedallaCli;
import io.medalla.pipelines.fixture.InternalLeakPipeline;
import io.medalla.pipelines.fixture.SelfServingPipeline;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.DataFrameWriterV2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The boundaries the build enforces: public API, pipeline modules, banned calls. */
class TestArchitecture {
  private static final String[] PIPELINE_ALLOWED_PACKAGES = {
    "io.medalla.api", "java", "javax", "org.apache.spark.sql", "org.apache.spark.api.java"
  };
  private static final ArchRule PIPELINE_MODULES_USE_ONLY_THE_PUBLIC_API =
      classes()
          .that()
          .resideInAPackage("io.medalla.pipelines..")
          .should(dependOnlyOnTheApiTheirOwnPackageJavaAndSpark())
          .because("domain pipelines build on io.medalla.api only");

  private static final ArchRule PIPELINE_MODULES_LEAVE_FRAMEWORK_WORK_TO_THE_FRAMEWORK =
      noClasses()
          .that()
          .resideInAPackage("io.medalla.pipelines..")
          .should()
          .callMethodWhere(writeSessionOrConfigurationCall())
          .orShould()
          .dependOnClassesThat()
          .belongToAnyOf(
              DataFrameWriter.class,
              DataFrameWriterV2.class,
              DataStreamWriter.class,
              SparkSession.Builder.class,
              RuntimeConfig.class)
          .because(
              "the framework writes the tables, manages the Spark session and reads the"
                  + " configuration");

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
    PIPELINE_MODULES_USE_ONLY_THE_PUBLIC_API.check(classes);
  }

  @Test
  void aPipelineImportingAnInternalClassBreaksTheRule() {
    JavaClasses leaking = new ClassFileImporter().importClasses(InternalLeakPipeline.class);

    assertThatThrownBy(() -> PIPELINE_MODULES_USE_ONLY_THE_PUBLIC_API.check(leaking))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(InternalLeakPipeline.class.getName())
        .hasMessageContaining("io.medalla.internal.table.Warehouse");
  }

  @Test
  void publicApiDependsOnNothingInternal() {
    classes()
        .that()
        .resideInAPackage("io.medalla.api..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("io.medalla.api..", "java..", "org.apache.spark.sql..")
        .because("the API is what authors see; it must not leak internals or foreign types")
        .check(classes);
  }

  @Test
  void frameworkPackagesHaveNoCycles() {
    slices()
        .matching("io.medalla.(*)..")
        .should()
        .beFreeOfCycles()
        .because("the API, the launcher and the internals form layers")
        .check(classes);
    slices()
        .matching("io.medalla.internal.(*)..")
        .should()
        .beFreeOfCycles()
        .because("each internal package builds on the ones below it")
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
  void pipelineModulesLeaveWritesSessionsAndConfigurationToTheFramework() {
    PIPELINE_MODULES_LEAVE_FRAMEWORK_WORK_TO_THE_FRAMEWORK.check(classes);
  }

  @Test
  void aPipelineWritingItselfBreaksTheRule() {
    JavaClasses selfServing = new ClassFileImporter().importClasses(SelfServingPipeline.class);

    assertThatThrownBy(
            () -> PIPELINE_MODULES_LEAVE_FRAMEWORK_WORK_TO_THE_FRAMEWORK.check(selfServing))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Dataset.write()")
        .hasMessageContaining("SparkSession.newSession()")
        .hasMessageContaining("System.getenv(java.lang.String)");
  }

  @Test
  void publicApiMethodsHaveNoGetPrefixAndNoBooleanParameters() {
    noMethods()
        .that()
        .areDeclaredInClassesThat()
        .resideInAPackage("io.medalla.api..")
        .and()
        .arePublic()
        .should()
        .haveNameMatching("get[A-Z].*")
        .orShould(haveABooleanParameter())
        .because("a name says what it returns, and two named methods replace a flag (STYLE.md)")
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

  /**
   * The allow-list of a pipeline module: Medalla's API, the module's own package, the JDK and
   * Spark's public Java/SQL API.
   */
  private static ArchCondition<JavaClass> dependOnlyOnTheApiTheirOwnPackageJavaAndSpark() {
    return new ArchCondition<>("depend only on io.medalla.api, their own package, java and Spark") {
      @Override
      public void check(JavaClass javaClass, ConditionEvents events) {
        String ownPackage = javaClass.getPackageName();
        for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
          JavaClass target = dependency.getTargetClass();
          while (target.isArray()) {
            target = target.getComponentType();
          }
          String targetPackage = target.getPackageName();
          boolean allowed =
              target.isPrimitive()
                  || targetPackage.equals(ownPackage)
                  || targetPackage.startsWith(ownPackage + ".")
                  || Stream.of(PIPELINE_ALLOWED_PACKAGES)
                      .anyMatch(
                          allowedPackage ->
                              targetPackage.equals(allowedPackage)
                                  || targetPackage.startsWith(allowedPackage + "."));
          if (!allowed) {
            events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
          }
        }
      }
    };
  }

  private static DescribedPredicate<JavaMethodCall> writeSessionOrConfigurationCall() {
    return DescribedPredicate.describe(
        "a method writing a table, managing the session or reading configuration",
        call ->
            (call.getTargetOwner().isEquivalentTo(Dataset.class)
                    && call.getName().startsWith("write"))
                || (call.getTargetOwner().isEquivalentTo(SparkSession.class)
                    && Set.of("builder", "stop", "close", "newSession", "conf")
                        .contains(call.getName()))
                || (call.getTargetOwner().isEquivalentTo(System.class)
                    && Set.of("getenv", "getProperty", "getProperties").contains(call.getName())));
  }

  private static ArchCondition<JavaMethod> haveABooleanParameter() {
    return new ArchCondition<>("have a boolean parameter") {
      @Override
      public void check(JavaMethod method, ConditionEvents events) {
        boolean flag =
            method.getRawParameterTypes().stream()
                .anyMatch(type -> type.isEquivalentTo(boolean.class));
        events.add(new SimpleConditionEvent(method, flag, method.getFullName()));
      }
    };
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
