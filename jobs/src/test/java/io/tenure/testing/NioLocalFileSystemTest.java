package io.tenure.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tests' local file system sets the permissions Hadoop asks for, as chmod would. */
class NioLocalFileSystemTest {
  @TempDir Path dir;

  @Test
  void setsTheModeHadoopAsksFor() throws Exception {
    try (NioLocalFileSystem fs = new NioLocalFileSystem()) {
      fs.initialize(java.net.URI.create("file:///"), new Configuration());
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.resolve("f").toUri());
      try (FSDataOutputStream out = fs.create(file)) {
        out.writeBytes("x");
      }
      fs.setPermission(file, new FsPermission((short) 0640));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("f"))))
          .isEqualTo("rw-r-----");
      fs.setPermission(file, new FsPermission((short) 0751));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("f"))))
          .isEqualTo("rwxr-x--x");
      org.apache.hadoop.fs.Path sub = new org.apache.hadoop.fs.Path(dir.resolve("a/b").toUri());
      assertThat(fs.mkdirs(sub, new FsPermission((short) 0700))).isTrue();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b"))))
          .isEqualTo("rwx------");
    }
  }
}
