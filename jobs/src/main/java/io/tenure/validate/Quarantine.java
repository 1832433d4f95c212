package io.tenure.validate;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The quarantine output: input rows that could not be used, with the reason and their origin. */
public final class Quarantine {
  private Quarantine() {}

  public static final String NAME = "quarantine";

  public static final String TABLE = "input_table";
  public static final String REASON = "reason";
  public static final String ROW_JSON = "row_json";
  public static final String SOURCE_FILE = "source_file";

  public static final StructType SCHEMA =
      new StructType()
          .add(TABLE, DataTypes.StringType, false)
          .add(REASON, DataTypes.StringType, false)
          .add(ROW_JSON, DataTypes.StringType, true)
          .add(SOURCE_FILE, DataTypes.StringType, true);
}
