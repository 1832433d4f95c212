package io.tenure.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 fingerprints of configuration: of the whole file (the manifest's digest), and of the
 * parts that decide something kept across runs (an incremental state, a saved model), so that a
 * change of those parts, and only of those, stops the reuse.
 */
final class Fingerprints {
  private Fingerprints() {}

  /** The fingerprint of the subtrees of {@code t} at {@code paths} (those present). */
  static String of(Config t, String... paths) {
    return sha256(subtrees(t, paths).root());
  }

  /** The subtrees of {@code t} at {@code paths} (those present), as one configuration. */
  static Config subtrees(Config t, String... paths) {
    Config kept = ConfigFactory.empty();
    for (String path : paths) {
      if (t.hasPath(path)) {
        kept = kept.withValue(path, t.getValue(path));
      }
    }
    return kept;
  }

  /** SHA-256 of a configuration tree rendered as JSON (keys in a stable order), in hex. */
  static String sha256(ConfigValue tree) {
    String canonical = tree.render(ConfigRenderOptions.concise().setFormatted(false).setJson(true));
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
