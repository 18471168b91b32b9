package io.aifactory.sdk.testkit.junit.internal;

import io.aifactory.sdk.testkit.SimulatedServer;
import io.aifactory.sdk.testkit.junit.PlantDevice;
import io.aifactory.sdk.testkit.junit.SimulatedPlant;
import io.aifactory.sdk.testkit.scenario.Scenario;
import io.aifactory.sdk.testkit.scenario.ScenarioRunner;
import io.aifactory.sdk.testkit.scenario.Scenarios;
import io.aifactory.sdk.testkit.signal.SimulationClock;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Starts the plant of {@link SimulatedPlant} in JUnit's store (class-level: the class's store; method-level: the
 * method's), so JUnit closes it when that context ends, whatever the outcome; resolves parameters from the
 * nearest plant. Holds no state of its own, so parallel test classes do not interfere.
 */
public final class SimulatedPlantExtension implements BeforeAllCallback, BeforeEachCallback, TestInstancePreConstructCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SimulatedPlantExtension.class);
  private static final String PLANT = "plant";
  private static final String STARTED_BY = "startedBy";

  /** With {@code @TestInstance(PER_CLASS)} the instance is built before beforeAll: start early so constructors get it. */
  @Override
  public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
    if (context.getTestMethod().isEmpty()) startForClass(context);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    startForClass(context);
  }

  private static void startForClass(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    if (context.getUniqueId().equals(store.get(STARTED_BY, String.class))) return; // started before construction
    Optional<SimulatedPlant> annotation = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), SimulatedPlant.class);
    if (annotation.isPresent()) start(context, annotation.get());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Optional<SimulatedPlant> annotation = AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), SimulatedPlant.class);
    if (annotation.isPresent()) start(context, annotation.get());
  }

  private static void start(ExtensionContext context, SimulatedPlant plant) {
    Scenario scenario = Scenarios.load(plant.value());
    ScenarioRunner.Builder b = ScenarioRunner.newBuilder().scenario(scenario);
    if (plant.seed() != SimulatedPlant.SCENARIO_SEED) b.seed(plant.seed());
    ScenarioRunner runner = b.start();
    // Stored before anything else can fail, so that JUnit closes it when this context ends.
    context.getStore(NAMESPACE).put(PLANT, runner);
    context.getStore(NAMESPACE).put(STARTED_BY, context.getUniqueId());
    if (plant.realTime()) runner.runInRealTime();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    if (type == ScenarioRunner.class || type == Scenario.class || type == SimulationClock.class) return true;
    if (SimulatedServer.class.isAssignableFrom(type)) return true;
    if (type == URI.class) return parameterContext.isAnnotated(PlantDevice.class) || plant(extensionContext) != null;
    return false;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    ScenarioRunner runner = plant(extensionContext);
    if (runner == null) {
      throw failure(parameterContext, "there is no simulated plant here: annotate the test class or method with @SimulatedPlant"
          + (parameterContext.getDeclaringExecutable() instanceof Constructor
              ? " (a plant on a test method starts after the constructor; use a class-level plant or a method parameter)" : ""));
    }
    Class<?> type = parameterContext.getParameter().getType();
    if (type == ScenarioRunner.class) return runner;
    if (type == Scenario.class) return runner.scenario();
    if (type == SimulationClock.class) return runner.clock();
    Optional<PlantDevice> named = parameterContext.findAnnotation(PlantDevice.class);
    Class<?> serverType = type == URI.class ? SimulatedServer.class : type;
    SimulatedServer server = named.isPresent() ? named(parameterContext, runner, named.get().value(), serverType) : single(parameterContext, runner, serverType);
    return type == URI.class ? server.uri() : server;
  }

  private static SimulatedServer named(ParameterContext p, ScenarioRunner runner, String device, Class<?> type) {
    SimulatedServer server = runner.servers().get(device);
    if (server == null) {
      throw failure(p, "scenario '" + runner.scenario().name() + "' has no device '" + device + "' (devices: " + String.join(", ", runner.servers().keySet()) + ")");
    }
    if (!type.isInstance(server)) {
      throw failure(p, "device '" + device + "' is served by a " + server.getClass().getSimpleName() + ", not a " + type.getSimpleName());
    }
    return server;
  }

  private static SimulatedServer single(ParameterContext p, ScenarioRunner runner, Class<?> type) {
    List<String> fitting = new ArrayList<>();
    SimulatedServer found = null;
    for (Map.Entry<String, SimulatedServer> e : runner.servers().entrySet()) {
      if (type.isInstance(e.getValue())) {
        fitting.add(e.getKey());
        found = e.getValue();
      }
    }
    if (fitting.size() == 1) return found;
    if (fitting.isEmpty()) {
      throw failure(p, "scenario '" + runner.scenario().name() + "' has no device served by a " + type.getSimpleName()
          + " (devices: " + String.join(", ", runner.servers().keySet()) + ")");
    }
    throw failure(p, "scenario '" + runner.scenario().name() + "' has " + fitting.size() + " devices that fit (" + String.join(", ", fitting)
        + "); name one with @PlantDevice(\"" + fitting.get(0) + "\")");
  }

  private static ScenarioRunner plant(ExtensionContext context) {
    return context.getStore(NAMESPACE).get(PLANT, ScenarioRunner.class);
  }

  private static ParameterResolutionException failure(ParameterContext p, String why) {
    Parameter parameter = p.getParameter();
    Executable e = p.getDeclaringExecutable();
    String where = e instanceof Constructor ? "constructor of " + e.getDeclaringClass().getSimpleName()
        : "method " + e.getDeclaringClass().getSimpleName() + "." + e.getName() + "()";
    String name = parameter.isNamePresent() ? " " + parameter.getName() : ""; // names need javac -parameters
    return new ParameterResolutionException("cannot resolve parameter [" + p.getIndex() + "] " + parameter.getType().getSimpleName() + name
        + " of " + where + ": " + why);
  }
}
