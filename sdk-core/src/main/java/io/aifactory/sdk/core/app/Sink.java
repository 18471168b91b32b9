package io.aifactory.sdk.core.app;

import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.guard.GuardDecision;
import io.aifactory.sdk.core.guard.GuardListener;
import io.aifactory.sdk.core.guard.OperatorAction;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.AlarmListener;
import io.aifactory.sdk.core.pipeline.MachineResult;

/**
 * Where a JSON app sends what a line does beyond the gateway (Kafka, Sparkplug B, a vendor's own link): the results
 * and alarms of the pipelines that name the sink, the decisions of their write guards, and the samples of the sink's
 * {@code samples} subscriptions. Opened by a {@link SinkProvider}, fed by the app, closed by the app after the
 * pipelines and guards that feed it.
 *
 * <p>Every method but {@link #close()} is called on a pipeline's, guard's or device's thread: accept the record (to
 * memory or disk) and return; never wait for the network there. Each method ignores what it is given by default, so a
 * sink implements only what it sends. A record that arrives after {@link #close()} is refused, not an error.
 */
public interface Sink extends AlarmListener, GuardListener, AutoCloseable {
  /** A result of a pipeline that lists this sink. */
  default void onResult(MachineResult result) {}

  /** An alarm raised or cleared by an alarm action of a pipeline that lists this sink. */
  @Override
  default void onAlarm(AlarmEvent event) {}

  /** A decision of a write guard that a pipeline listing this sink proposes to. */
  @Override
  default void onDecision(GuardDecision decision) {}

  /** An operator's change noticed by such a guard. */
  @Override
  default void onOperatorAction(OperatorAction action) {}

  /**
   * A batch of one of the sink's {@code samples} subscriptions.
   *
   * @param source the subscription's {@code publishAs}, or its device's name
   */
  default void onSamples(String source, SampleBatch batch) {}

  /**
   * Stops accepting records and releases the link. What was accepted but not sent stays wherever the sink keeps it
   * (its store-and-forward buffer) for the next start. Idempotent; throws nothing.
   */
  @Override
  void close();
}
