package io.aifactory.examples.quality;

import io.aifactory.examples.quality.RecipeRoutedModel.Variant;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.AlarmListener;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.ModelInfo;
import io.aifactory.sdk.core.pipeline.PipelineAction;
import io.aifactory.sdk.opcua.server.OpcUaResultServer;
import io.aifactory.sdk.opcua.server.ResultVariable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes the soft sensor to the MES on the SDK's OPC UA results server, under {@code <pipeline>.<machine>.}:
 *
 * <pre>
 * PredictedValue           float64  predicted melt flow index (Uncertain while the window spans a product change)
 * ProductVariant           string   the product whose model made it
 * ModelName, ModelVersion  string   that model, its version and the start of its SHA-256
 * AlarmState               bool     the running product's model is in drift (the lab disagrees with it)
 * &lt;variant&gt;.LabMeanAbsError float64 mean |prediction - lab| over the product's last paired lab results
 * &lt;variant&gt;.ModelDrift      bool     that product's drift alarm
 * </pre>
 *
 * <p>Why not the SDK's {@code OpcUaResultPublisher}: it publishes one model per pipeline, named once at start, and an
 * anomaly score; here the model changes with the product and the news is a predicted quality and the lab's verdict.
 * The common names (PredictedValue, AlarmState, ModelName, ModelVersion) are the SDK's, so an MES that reads other
 * SDK apps finds them in the same place.
 */
final class MesPublisher implements PipelineAction, AlarmListener {
  private final RecipeRoutedModel model;
  private final String machine;
  private final ResultVariable<Double> predicted;
  private final ResultVariable<String> product;
  private final ResultVariable<String> modelName;
  private final ResultVariable<String> modelVersion;
  private final ResultVariable<Boolean> alarmState;
  private final Map<String, ResultVariable<Double>> labError = new LinkedHashMap<>();
  private final Map<String, ResultVariable<Boolean>> drift = new LinkedHashMap<>();
  private final Map<String, Boolean> inDrift = new LinkedHashMap<>();
  private int shownRecipe = Integer.MIN_VALUE;
  private long results;

  /** Declares the variables on {@code server}'s builder; call before the server is built. */
  static OpcUaResultServer.Builder declare(OpcUaResultServer.Builder server, String prefix, Iterable<Variant> variants) {
    server.variable(prefix + "." + OpcUaResultServer.PREDICTED_VALUE, DataType.FLOAT64)
        .variable(prefix + ".ProductVariant", DataType.STRING)
        .variable(prefix + "." + OpcUaResultServer.MODEL_NAME, DataType.STRING)
        .variable(prefix + "." + OpcUaResultServer.MODEL_VERSION, DataType.STRING)
        .variable(prefix + "." + OpcUaResultServer.ALARM_STATE, DataType.BOOL);
    for (Variant v : variants) {
      server.variable(prefix + "." + v.name() + ".LabMeanAbsError", DataType.FLOAT64)
          .variable(prefix + "." + v.name() + ".ModelDrift", DataType.BOOL);
    }
    return server;
  }

  MesPublisher(OpcUaResultServer server, String prefix, String machine, RecipeRoutedModel model) {
    this.model = model;
    this.machine = machine;
    this.predicted = server.variable(prefix + "." + OpcUaResultServer.PREDICTED_VALUE, Double.class);
    this.product = server.variable(prefix + ".ProductVariant", String.class);
    this.modelName = server.variable(prefix + "." + OpcUaResultServer.MODEL_NAME, String.class);
    this.modelVersion = server.variable(prefix + "." + OpcUaResultServer.MODEL_VERSION, String.class);
    this.alarmState = server.variable(prefix + "." + OpcUaResultServer.ALARM_STATE, Boolean.class);
    for (Variant v : model.variants().values()) {
      labError.put(v.name(), server.variable(prefix + "." + v.name() + ".LabMeanAbsError", Double.class));
      ResultVariable<Boolean> d = server.variable(prefix + "." + v.name() + ".ModelDrift", Boolean.class);
      d.set(false);
      drift.put(v.name(), d);
      inDrift.put(v.name(), false);
    }
    alarmState.set(false);
  }

  @Override
  public void onResult(MachineResult r) {
    if (!r.machine().equals(machine)) return;
    if (!r.hasValues()) {
      predicted.setQuality(r.quality()); // the last value stays, marked as not current, with the reason
      return;
    }
    int recipe = (int) r.value(1);
    boolean changeover = r.value(2) != r.value(3);
    predicted.set(r.value(0), changeover
        ? Quality.uncertain(Quality.Reason.NONE, 0, "the window spans a product change") : r.quality());
    // The model's name and version change with the product, and with a redeploy: look again now and then.
    if (recipe != shownRecipe || ++results % 100 == 0) {
      Variant v = model.variants().get(recipe);
      ModelInfo info = model.info(recipe);
      product.set(v.name());
      modelName.set(info.name());
      modelVersion.set(info.version() + (info.sha256().isEmpty() ? "" : " sha256 " + info.sha256().substring(0, 12)));
      synchronized (this) {
        shownRecipe = recipe;
        alarmState.set(inDrift.getOrDefault(v.name(), false));
      }
    }
  }

  @Override
  public synchronized void onAlarm(AlarmEvent event) {
    if (!event.alarm().startsWith("model-drift.")) return;
    String variant = event.alarm().substring("model-drift.".length());
    boolean raised = event.kind() == AlarmEvent.Kind.RAISED;
    inDrift.put(variant, raised);
    drift.get(variant).set(raised);
    Variant shown = model.variants().get(shownRecipe);
    if (shown != null && shown.name().equals(variant)) alarmState.set(raised);
  }

  /** Publishes a product's mean |prediction - lab| after a lab result. */
  void labError(String variant, double meanAbsError) {
    ResultVariable<Double> v = labError.get(variant);
    if (v != null && Double.isFinite(meanAbsError)) v.set(meanAbsError);
  }
}
