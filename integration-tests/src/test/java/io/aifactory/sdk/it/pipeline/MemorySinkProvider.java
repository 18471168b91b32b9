package io.aifactory.sdk.it.pipeline;

import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.app.AppContext;
import io.aifactory.sdk.core.app.Sink;
import io.aifactory.sdk.core.app.SinkProvider;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.guard.GuardDecision;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Sink type {@code memory}, for the tests: keeps what the app sends it, and counts what arrives after close. */
public final class MemorySinkProvider implements SinkProvider {
  /** Where the test's own events (a pipeline action closed, a sink closed) are put in order. */
  static final List<String> EVENTS = new CopyOnWriteArrayList<>();

  @Override
  public String type() {
    return "memory";
  }

  @Override
  public Sink open(ConfigNode node, AppContext context) {
    node.checkFields("name", "type", "samples");
    return new MemorySink(node.text("name"));
  }

  static final class MemorySink implements Sink {
    final String name;
    final List<MachineResult> results = new CopyOnWriteArrayList<>();
    final List<AlarmEvent> alarms = new CopyOnWriteArrayList<>();
    final List<GuardDecision> decisions = new CopyOnWriteArrayList<>();
    final List<String> sampleSources = new CopyOnWriteArrayList<>();
    final AtomicInteger late = new AtomicInteger();
    volatile boolean closed;

    MemorySink(String name) {
      this.name = name;
    }

    private boolean accept() {
      if (closed) {
        late.incrementAndGet();
      }
      return !closed;
    }

    @Override
    public void onResult(MachineResult result) {
      if (accept()) {
        results.add(result);
      }
    }

    @Override
    public void onAlarm(AlarmEvent event) {
      if (accept()) {
        alarms.add(event);
      }
    }

    @Override
    public void onDecision(GuardDecision decision) {
      if (accept()) {
        decisions.add(decision);
      }
    }

    @Override
    public void onSamples(String source, SampleBatch batch) {
      if (accept()) {
        sampleSources.add(source + ":" + batch.tag(0).name());
      }
    }

    @Override
    public void close() {
      closed = true;
      EVENTS.add("sink " + name + " closed");
    }
  }
}
