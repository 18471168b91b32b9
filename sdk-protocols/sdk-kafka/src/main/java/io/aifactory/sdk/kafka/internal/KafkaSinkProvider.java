package io.aifactory.sdk.kafka.internal;

import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.app.AppContext;
import io.aifactory.sdk.core.app.Sink;
import io.aifactory.sdk.core.app.SinkProvider;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.guard.GuardDecision;
import io.aifactory.sdk.core.guard.OperatorAction;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.kafka.KafkaSink;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sink type {@code kafka} of a JSON app: a {@link KafkaSink} from the sink's fields (documented in the module's
 * README). Secrets for the producer do not belong in the file: Kafka's own config providers
 * ({@code "config.providers": "env"}, then {@code "${env:KAFKA_PASSWORD}"}) read them where they are kept.
 */
public final class KafkaSinkProvider implements SinkProvider {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSinkProvider.class);

  @Override
  public String type() {
    return "kafka";
  }

  @Override
  public Sink open(ConfigNode node, AppContext context) {
    node.checkFields("name", "type", "samples", "bootstrapServers", "plant", "line", "bufferDirectory",
        "bufferMaxBytes", "bufferMaxAge", "topics", "batchSize", "closeTimeout", "flushOnClose", "producer");
    String name = node.text("name");
    KafkaSink.Builder b = KafkaSink.newBuilder().name(name);
    Duration flushOnClose = node.duration("flushOnClose", Duration.ofSeconds(5));
    try {
      b.bootstrapServers(node.text("bootstrapServers"));
      b.plant(node.text("plant")).line(node.text("line"));
      b.bufferDirectory(context.baseDirectory().resolve(node.text("bufferDirectory")));
      if (node.has("bufferMaxBytes")) {
        b.bufferMaxBytes(node.integer("bufferMaxBytes", 0));
      }
      if (node.has("bufferMaxAge")) {
        b.bufferMaxAge(node.duration("bufferMaxAge", null));
      }
      if (node.has("batchSize")) {
        b.batchSize((int) node.integer("batchSize", 0));
      }
      if (node.has("closeTimeout")) {
        b.closeTimeout(node.duration("closeTimeout", null));
      }
      if (node.has("topics")) {
        ConfigNode topics = node.object("topics").checkFields("samples", "results", "alarms", "decisions");
        b.samplesTopic(topics.text("samples", "aifactory.samples"))
            .resultsTopic(topics.text("results", "aifactory.results"))
            .alarmsTopic(topics.text("alarms", "aifactory.alarms"))
            .decisionsTopic(topics.text("decisions", "aifactory.decisions"));
      }
      if (node.has("producer")) {
        for (ConfigNode p : node.object("producer").fields()) {
          try {
            b.producerProperty(p.name(), p.asText());
          } catch (IllegalArgumentException e) {
            throw p.error("", e.getMessage(), e);
          }
        }
      }
    } catch (IllegalArgumentException e) {
      throw node.error("", "sink '" + name + "': " + e.getMessage(), e);
    }
    KafkaSink sink = b.build();
    try {
      sink.start();
    } catch (RuntimeException e) {
      sink.close();
      throw node.error("bufferDirectory", "sink '" + name + "': " + e.getMessage(), e);
    }
    return new AppSink(sink, flushOnClose);
  }

  /** The app's view of a {@link KafkaSink}: the same records, and a bounded wait for the broker at close. */
  private static final class AppSink implements Sink {
    private final KafkaSink sink;
    private final Duration flushOnClose;

    AppSink(KafkaSink sink, Duration flushOnClose) {
      this.sink = sink;
      this.flushOnClose = flushOnClose;
    }

    @Override
    public void onResult(MachineResult result) {
      sink.onResult(result);
    }

    @Override
    public void onAlarm(AlarmEvent event) {
      sink.onAlarm(event);
    }

    @Override
    public void onDecision(GuardDecision decision) {
      sink.onDecision(decision);
    }

    @Override
    public void onOperatorAction(OperatorAction action) {
      sink.onOperatorAction(action);
    }

    @Override
    public void onSamples(String source, SampleBatch batch) {
      sink.recordSamples(source, batch);
    }

    @Override
    public void close() {
      // What the broker has not confirmed stays on disk for the next start either way; waiting a little first means
      // a planned stop with the broker up leaves nothing behind.
      if (!flushOnClose.isZero()) {
        try {
          if (!sink.flush(flushOnClose)) {
            LOG.info("Kafka sink '{}': broker did not confirm everything within {} ms of closing", sink.name(),
                flushOnClose.toMillis());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      sink.close();
    }

    @Override
    public String toString() {
      return sink.toString();
    }
  }
}
