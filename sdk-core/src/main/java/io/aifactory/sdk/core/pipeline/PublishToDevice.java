package io.aifactory.sdk.core.pipeline;

import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.Tag;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each machine's result to a result tag on a device, for an HMI or SCADA to show: a score register, not a
 * setpoint (a value that drives the machine goes through a {@link io.aifactory.sdk.core.guard.WriteGuard}). A BAD
 * result writes nothing: the HMI keeps the last score, and the pipeline's quality says it is not current. Writes
 * are asynchronous (the pipeline's thread never waits for the device); failures are logged and counted.
 */
public final class PublishToDevice implements PipelineAction {
  private static final Logger LOG = LoggerFactory.getLogger(PublishToDevice.class);

  private final Device device;
  private final Map<String, Tag> tagsByMachine;
  private final String output;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /**
   * @param tagsByMachine the result tag of each machine; results of machines not in the map are ignored
   * @param output the result value to write, by name, or null for the first
   */
  public PublishToDevice(Device device, Map<String, Tag> tagsByMachine, String output) {
    this.device = Objects.requireNonNull(device, "device");
    this.tagsByMachine = Map.copyOf(tagsByMachine);
    this.output = output;
  }

  @Override
  public void onResult(MachineResult result) {
    Tag tag = tagsByMachine.get(result.machine());
    if (tag == null || !result.hasValues()) {
      return;
    }
    double value = output == null ? result.value() : result.value(output);
    Object typed = tag.dataType().kind().isInteger() && !tag.isScaled() ? (Object) Math.round(value) : (Object) value;
    device.write(tag, typed).whenComplete((ok, e) -> {
      if (e == null) {
        written.incrementAndGet();
      } else if (failed.getAndIncrement() % 100 == 0) {
        LOG.warn("publishing {} of {} to {} on {} failed ({} failures so far): {}", value, result.machine(), tag.name(),
            device.uri(), failed.get(), e.toString());
      }
    });
  }

  /** Returns the writes the device confirmed. */
  public long written() {
    return written.get();
  }

  /** Returns the writes the device refused or that timed out. */
  public long failed() {
    return failed.get();
  }

  @Override
  public String toString() {
    return "PublishToDevice[" + device.uri() + " " + tagsByMachine.keySet() + "]";
  }
}
