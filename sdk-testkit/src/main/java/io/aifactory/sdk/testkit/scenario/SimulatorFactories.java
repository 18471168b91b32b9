package io.aifactory.sdk.testkit.scenario;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/** An immutable set of {@link SimulatorFactory simulator factories}, one per kind. */
public final class SimulatorFactories {
  private final Map<String, SimulatorFactory> byKind;

  private SimulatorFactories(Map<String, SimulatorFactory> byKind) {
    this.byKind = Collections.unmodifiableMap(byKind);
  }

  /**
   * Returns the factories installed on the class path (through the thread's context class loader, if it has
   * one), e.g. {@code modbus} and {@code opcua} from the testkit itself.
   */
  public static SimulatorFactories installed() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    Map<String, SimulatorFactory> map = new LinkedHashMap<>();
    for (SimulatorFactory f : ServiceLoader.load(SimulatorFactory.class, loader != null ? loader : SimulatorFactory.class.getClassLoader())) {
      map.putIfAbsent(f.kind(), f);
    }
    return new SimulatorFactories(map);
  }

  /** Returns exactly these factories; a later one replaces an earlier one of the same kind. */
  public static SimulatorFactories of(SimulatorFactory... factories) {
    Map<String, SimulatorFactory> map = new LinkedHashMap<>();
    for (SimulatorFactory f : factories) map.put(Objects.requireNonNull(f, "factory").kind(), f);
    return new SimulatorFactories(map);
  }

  /** Returns these factories plus {@code factory}, which replaces one of the same kind. */
  public SimulatorFactories with(SimulatorFactory factory) {
    Map<String, SimulatorFactory> map = new LinkedHashMap<>(byKind);
    map.put(Objects.requireNonNull(factory, "factory").kind(), factory);
    return new SimulatorFactories(map);
  }

  /**
   * Returns the factory of {@code kind}.
   *
   * @throws IllegalArgumentException naming the kind and the known ones
   */
  public SimulatorFactory get(String kind) {
    SimulatorFactory f = byKind.get(kind);
    if (f == null) throw new IllegalArgumentException("unknown simulator kind '" + kind + "' (expected " + String.join(", ", kinds()) + ")");
    return f;
  }

  /** Returns the known kinds, sorted. */
  public Set<String> kinds() {
    return Collections.unmodifiableSet(new TreeSet<>(byKind.keySet()));
  }

  @Override
  public String toString() {
    return "SimulatorFactories" + kinds();
  }
}
