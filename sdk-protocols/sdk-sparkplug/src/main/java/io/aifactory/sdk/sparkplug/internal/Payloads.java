package io.aifactory.sdk.sparkplug.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.eclipse.tahu.SparkplugInvalidTypeException;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.PropertyDataType;
import org.eclipse.tahu.message.model.PropertySet;
import org.eclipse.tahu.message.model.PropertyValue;
import org.eclipse.tahu.message.model.SparkplugBPayload;

/**
 * Builds the Sparkplug B payloads of an edge node with Eclipse Tahu's model and encoder. Births carry every metric
 * with name, alias, type, value, timestamp and the Quality property; DATA carries aliases only and no types, as the
 * specification asks once aliases are born.
 */
public final class Payloads {
  public static final String NAMESPACE = "spBv1.0";
  public static final String BD_SEQ = "bdSeq";
  public static final String REBIRTH = "Node Control/Rebirth";
  /** The alias of {@link #REBIRTH}; device metrics are numbered from {@code REBIRTH_ALIAS + 1}. */
  public static final long REBIRTH_ALIAS = 1;

  private final SparkplugBPayloadEncoder encoder = new SparkplugBPayloadEncoder();

  /** A metric's value as it goes into one message. */
  public record Value(MetricDef def, Object value, int quality, long timeMillis) {}

  /** NBIRTH: seq 0, the session's bdSeq, and the rebirth control. */
  public byte[] nbirth(long bdSeq, long nowMillis) {
    List<Metric> metrics = new ArrayList<>();
    metrics.add(metric(new Metric.MetricBuilder(BD_SEQ, MetricDataType.Int64, bdSeq), nowMillis));
    metrics.add(metric(new Metric.MetricBuilder(REBIRTH, MetricDataType.Boolean, false).alias(REBIRTH_ALIAS),
        nowMillis));
    return encode(payload(0L, nowMillis, metrics), false);
  }

  /** NDEATH: the bdSeq of the session it ends, and no seq. */
  public byte[] ndeath(long bdSeq, long nowMillis) {
    List<Metric> metrics = List.of(metric(new Metric.MetricBuilder(BD_SEQ, MetricDataType.Int64, bdSeq), nowMillis));
    return encode(payload(null, nowMillis, metrics), false);
  }

  /** DBIRTH: every metric of the device, by name and alias, with its type, current value and quality. */
  public byte[] dbirth(long seq, List<Value> values, long nowMillis) {
    List<Metric> metrics = new ArrayList<>(values.size());
    for (Value v : values) {
      MetricDef d = v.def();
      Metric.MetricBuilder b = new Metric.MetricBuilder(d.name(), d.type(), d.toTahu(v.value())).alias(d.alias())
          .properties(quality(v.quality()));
      metrics.add(metric(b, v.timeMillis() > 0 ? v.timeMillis() : nowMillis));
    }
    return encode(payload(seq, nowMillis, metrics), false);
  }

  /** DDATA: the values by alias, with their own timestamps; flagged historical when they are not current. */
  public byte[] ddata(long seq, List<Value> values, boolean historical, long nowMillis) {
    List<Metric> metrics = new ArrayList<>(values.size());
    for (Value v : values) {
      MetricDef d = v.def();
      Metric.MetricBuilder b = new Metric.MetricBuilder(d.alias(), d.type(), d.toTahu(v.value()))
          .properties(quality(v.quality()));
      if (historical) {
        b.isHistorical(true);
      }
      metrics.add(metric(b, v.timeMillis()));
    }
    return encode(payload(seq, nowMillis, metrics), true);
  }

  /** DDEATH: only seq and timestamp; the host marks all of the device's metrics stale. */
  public byte[] ddeath(long seq, long nowMillis) {
    return encode(payload(seq, nowMillis, List.of()), false);
  }

  private static PropertySet quality(int code) {
    try {
      return new PropertySet.PropertySetBuilder()
          .addProperty(Quality.PROPERTY, new PropertyValue<>(PropertyDataType.Int32, code))
          .createPropertySet();
    } catch (SparkplugInvalidTypeException e) {
      throw new IllegalStateException(e); // an Integer is an Int32
    }
  }

  private static Metric metric(Metric.MetricBuilder b, long timeMillis) {
    try {
      return b.timestamp(new Date(timeMillis)).createMetric();
    } catch (SparkplugInvalidTypeException e) {
      // Values are converted to the metric's type before they get here: this is a bug, not bad input.
      throw new IllegalStateException("metric value does not match its type", e);
    }
  }

  private static SparkplugBPayload payload(Long seq, long nowMillis, List<Metric> metrics) {
    SparkplugBPayload.SparkplugBPayloadBuilder b = new SparkplugBPayload.SparkplugBPayloadBuilder()
        .setTimestamp(new Date(nowMillis)).addMetrics(metrics);
    if (seq != null) {
      b.setSeq(seq);
    }
    return b.createPayload();
  }

  private byte[] encode(SparkplugBPayload payload, boolean stripDataTypes) {
    try {
      return encoder.getBytes(payload, stripDataTypes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
