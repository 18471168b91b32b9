package io.aifactory.sdk.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the scenario device whose simulator or URI a parameter receives:
 * {@code @PlantDevice("line-plc") URI plc}.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PlantDevice {
  /** The device name, as in the scenario file. */
  String value();
}
