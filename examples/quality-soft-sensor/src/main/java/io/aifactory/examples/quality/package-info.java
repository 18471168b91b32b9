/**
 * The quality soft-sensor example: an extrusion line's process values over OPC UA, one regression model per product
 * chosen by the recipe in each window ({@link io.aifactory.examples.quality.RecipeRoutedModel}), the predicted melt
 * flow index published to the MES over OPC UA and to the HMI's holding registers, and lab results compared with the
 * predictions per product to raise a model-drift alarm ({@link io.aifactory.examples.quality.DriftCheck}).
 */
package io.aifactory.examples.quality;
