package io.tenure.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk that replaces Hadoop's recursive listing on the local file system finds the same files.
 */
class LocalFilesTest {
  @TempDir Path dir;

  @Test
  void theWalkListsWhatHadoopsRecursiveListingLists() throws Exception {
    Files.createDirectories(dir.resolve("date=2024-01-01"));
    Files.createDirectories(dir.resolve("date=2024-01-02/nested/deeper"));
    Files.createDirectories(dir.resolve("empty"));
    Files.writeString(dir.resolve("date=2024-01-01/part-0.parquet"), "abc");
    Files.writeString(dir.resolve("date=2024-01-02/part-0.parquet"), "abcdef");
    Files.writeString(dir.resolve("date=2024-01-02/nested/deeper/part-1.parquet"), "a");
    Files.writeString(dir.resolve("_SUCCESS"), "");
    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path root = fs.makeQualified(new org.apache.hadoop.fs.Path(dir.toUri()));

    List<String> hadoop = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      hadoop.add(f.getPath() + " " + f.getLen());
    }
    List<String> walked =
        LocalFiles.filesUnder(fs, root).stream().map(f -> f.getPath() + " " + f.getLen()).toList();

    assertThat(walked).hasSize(4).containsExactlyInAnyOrderElementsOf(hadoop).isSorted();
    FileStatus single =
        LocalFiles.filesUnder(
                fs, new org.apache.hadoop.fs.Path(root, "date=2024-01-01/part-0.parquet"))
            .get(0);
    assertThat(single.getLen()).isEqualTo(3);
  }
}
