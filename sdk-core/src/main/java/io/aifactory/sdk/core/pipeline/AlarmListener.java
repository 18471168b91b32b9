package io.aifactory.sdk.core.pipeline;

/** Hears alarms raised and cleared, on the pipeline's thread: return quickly. */
@FunctionalInterface
public interface AlarmListener {
  void onAlarm(AlarmEvent event);
}
