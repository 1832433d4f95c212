package io.tenure.io;

import static org.apache.spark.sql.functions.udf;

import io.tenure.config.PrivacySettings;
import io.tenure.errors.Errors;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Replaces customer ids by {@code hex(HMAC-SHA256(key, id))} (UTF-8 id). The same key gives the
 * same pseudonym in every run and every table, so outputs still join; without the key the id cannot
 * be recovered or tested by hashing guesses.
 *
 * <p>This is a Java UDF on purpose: Spark has no built-in HMAC, and building one from {@code sha2}
 * would put the key into the query plan as a literal, where the Spark UI and {@code explain} show
 * it. The key travels only inside the serialised function.
 */
public final class Pseudonymiser {
  private final UserDefinedFunction hmac;

  private Pseudonymiser(byte[] key) {
    this.hmac = udf(new Hmac(key), DataTypes.StringType).withName("pseudonym");
  }

  /**
   * The pseudonymiser the settings ask for, with the key read from the environment; empty when
   * pseudonymisation is off. An unset or empty variable is a configuration error (exit 2).
   */
  public static Optional<Pseudonymiser> from(
      PrivacySettings privacy, UnaryOperator<String> environment) {
    if (!privacy.pseudonymise()) {
      return Optional.empty();
    }
    String key = environment.apply(privacy.secretEnv());
    if (key == null || key.isEmpty()) {
      throw Errors.configKey(
          "tenure.privacy.pseudonymise-customer-ids",
          "pseudonymisation is on but the environment variable "
              + privacy.secretEnv()
              + " (tenure.privacy.secret-env) is unset or empty. Set it to a long random secret,"
              + " the same for every run, e.g. from your secret store.");
    }
    return Optional.of(new Pseudonymiser(key.getBytes(StandardCharsets.UTF_8)));
  }

  /** The pseudonym of an id column (null stays null). */
  public Column apply(Column id) {
    return hmac.apply(id.cast("string"));
  }

  /** The HMAC of one value; also used by tests against published test vectors. */
  static String hmac(byte[] key, byte[] message) {
    return HexFormat.of().formatHex(mac(key).doFinal(message));
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  private static final class Hmac implements UDF1<String, String> {
    private static final long serialVersionUID = 1L;
    private final byte[] key;
    // Each task deserialises its own copy of this function, so the Mac is never shared.
    private transient Mac mac;

    Hmac(byte[] key) {
      this.key = key.clone();
    }

    @Override
    public String call(String id) {
      if (id == null) {
        return null;
      }
      if (mac == null) {
        mac = mac(key);
      }
      return HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
      return "pseudonym";
    }
  }
}
