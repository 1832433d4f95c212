package io.tenure.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A throwaway PostgreSQL server from the Debian packages ({@code apt-get install postgresql}):
 * initdb into a temporary directory, listening on 127.0.0.1 on a free port, trust authentication,
 * stopped (immediately) by {@link #close}. As root it runs as the {@code postgres} user, because
 * PostgreSQL refuses to run as root.
 */
public final class LocalPostgres implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final Path bin;

  private LocalPostgres(Path bin, Path dir, int port) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
  }

  /** The server binaries' directory, if PostgreSQL is installed. */
  public static Optional<Path> binaries() {
    File[] versions = new File("/usr/lib/postgresql").listFiles();
    if (versions == null) {
      return Optional.empty();
    }
    return Arrays.stream(versions)
        .map(v -> v.toPath().resolve("bin"))
        .filter(
            b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
        .max(Path::compareTo);
  }

  public static LocalPostgres start(Path bin) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("tenure-pg");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    LocalPostgres pg = new LocalPostgres(bin, dir, port);
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      run(List.of("chown", "-R", "postgres", dir.toString()), false);
    }
    pg.run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-U",
            "tenure",
            "--auth=trust",
            "-E",
            "UTF8"));
    pg.run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-o",
            "-p " + port + " -h 127.0.0.1 -k " + dir,
            "-l",
            dir.resolve("server.log").toString(),
            "-w",
            "start"));
    return pg;
  }

  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-m",
            "immediate",
            "stop"));
  }

  private void run(List<String> command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.addAll(command);
    run(cmd, true);
  }

  private static void run(List<String> cmd, boolean check)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0 && check) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
  }
}
