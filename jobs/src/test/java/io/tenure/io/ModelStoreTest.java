package io.tenure.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which saved model a run of a retraining period reuses: trained as of the period's first day,
 * under the same settings, published by a run dated from that day to the run's own date, the newest
 * first; anything else is trained again.
 */
@ExtendWith(SparkExtension.class)
class ModelStoreTest {
  private static final LocalDate FIRST = LocalDate.of(2024, 12, 1);
  private static final List<Row> QUALITY =
      List.of(
          RowFactory.create("logistic-regression", "auc_roc", null, 0.75),
          RowFactory.create("logistic-regression", "calibration_examples", 3, 12.0),
          RowFactory.create("recency-baseline", "top_decile_lift", null, null));

  @TempDir Path out;

  @Test
  void findsTheNewestModelOfThePeriodTrainedAsOfItsFirstDayUnderTheSameSettings(SparkSession spark)
      throws Exception {
    PipelineModel model =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new VectorAssembler().setInputCols(new String[] {"x"}).setOutputCol("v")
                })
            .fit(spark.range(3).selectExpr("cast(id as double) as x"));
    save(spark, model, FIRST, FIRST, "a");
    save(spark, model, FIRST, LocalDate.of(2024, 12, 3), "a");
    save(spark, model, LocalDate.of(2024, 11, 1), LocalDate.of(2024, 12, 4), "a");
    save(spark, model, FIRST, LocalDate.of(2024, 12, 7), "a");
    // Another setting decides the model, or an older Tenure saved it without a description.
    save(spark, model, FIRST, LocalDate.of(2024, 12, 6), "b");
    Path undescribed = out.resolve(ModelStore.CHURN_MODEL).resolve("as_of=2024-12-05");
    model.write().save(undescribed.toString());

    Optional<ModelStore.Trained> found =
        ModelStore.find(spark, out.toString(), FIRST, LocalDate.of(2024, 12, 6), "a");
    assertThat(found).isPresent();
    // 12-07 is after the run, 12-06 has other settings, 12-05 no description, 12-04 another date.
    assertThat(found.get().fittedByRun()).isEqualTo(LocalDate.of(2024, 12, 3));
    assertThat(found.get().trainedAsOf()).isEqualTo(FIRST);
    assertThat(found.get().quality()).containsExactlyElementsOf(QUALITY);
    assertThat(found.get().model().stages()).hasSize(1);

    assertThat(ModelStore.find(spark, out.toString(), FIRST, LocalDate.of(2024, 12, 6), "c"))
        .isEmpty();
    assertThat(ModelStore.find(spark, out.toString(), FIRST, LocalDate.of(2024, 12, 2), "a"))
        .get()
        .extracting(ModelStore.Trained::fittedByRun)
        .isEqualTo(FIRST);
    assertThat(
            ModelStore.find(
                spark, out.toString(), LocalDate.of(2024, 10, 1), LocalDate.of(2024, 12, 6), "a"))
        .isEmpty();
    assertThat(ModelStore.find(spark, out.resolve("none").toString(), FIRST, FIRST, "a")).isEmpty();
  }

  @Test
  void aDescriptionThatCannotBeReadMeansTrainingAgain(SparkSession spark) throws Exception {
    Path dir = out.resolve(ModelStore.CHURN_MODEL).resolve("as_of=2024-12-02");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(ModelStore.DESCRIPTION), "{ not json");
    assertThat(ModelStore.find(spark, out.toString(), FIRST, LocalDate.of(2024, 12, 5), "a"))
        .isEmpty();
  }

  private void save(
      SparkSession spark, PipelineModel model, LocalDate trained, LocalDate run, String print) {
    ModelStore.save(
        spark,
        new ModelStore.Trained(model, trained, run, print, QUALITY),
        out.resolve(ModelStore.CHURN_MODEL).resolve("as_of=" + run).toString());
  }
}
