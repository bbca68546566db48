package io.medalla.internal.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestForkFreeLocalFileSystem {
  @TempDir java.nio.file.Path directory;

  private static Configuration forkFree() {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", ForkFreeLocalFileSystem.class.getName());
    conf.set("fs.AbstractFileSystem.file.impl", ForkFreeLocalFs.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  private static Configuration stock() {
    Configuration conf = new Configuration();
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  /** What Delta does on local disk: write files and checksums, rename without overwriting. */
  private void writeAndRename(Configuration conf, String name) throws IOException {
    FileSystem files = FileSystem.get(directory.toUri(), conf);
    Path data = new Path(directory.resolve(name + ".parquet").toUri());
    try (OutputStream out =
        files.create(data, new FsPermission((short) 0640), false, 4096, (short) 1, 1 << 20, null)) {
      out.write(1);
    }
    FileContext log = FileContext.getFileContext(directory.toUri(), conf);
    Path temporary = new Path(directory.resolve("." + name + ".json.tmp").toUri());
    try (OutputStream out = log.create(temporary, EnumSet.of(CreateFlag.CREATE))) {
      out.write("{}".getBytes(StandardCharsets.UTF_8));
    }
    log.rename(temporary, new Path(directory.resolve(name + ".json").toUri()), Options.Rename.NONE);
  }

  /** The child processes started while {@code action} ran, counted by the JVM's flight recorder. */
  private long processStarts(IoAction action) throws IOException {
    java.nio.file.Path events = directory.resolve("events-" + System.nanoTime() + ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ProcessStart");
      recording.start();
      action.run();
      recording.stop();
      recording.dump(events);
    }
    return RecordingFile.readAllEvents(events).stream()
        .filter(event -> event.getEventType().getName().equals("jdk.ProcessStart"))
        .count();
  }

  private interface IoAction {
    void run() throws IOException;
  }

  @Test
  void writesAndRenamesWithoutStartingAProcessWhereHadoopStartsSeveral() throws IOException {
    assertThat(processStarts(() -> writeAndRename(stock(), "stock"))).isPositive();
    assertThat(processStarts(() -> writeAndRename(forkFree(), "fork-free"))).isZero();

    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(directory.resolve("fork-free.parquet"))))
        .isEqualTo("rw-r-----");
    assertThat(directory.resolve(".fork-free.parquet.crc")).exists();
    assertThat(directory.resolve("fork-free.json")).hasContent("{}");
    assertThat(directory.resolve(".fork-free.json.tmp")).doesNotExist();
  }

  @Test
  void aRenameOntoAnExistingFileFailsAsDeltaNeedsForItsLog() throws IOException {
    Configuration conf = forkFree();
    writeAndRename(conf, "first");
    FileContext log = FileContext.getFileContext(directory.toUri(), conf);
    Path other = new Path(directory.resolve("other.tmp").toUri());
    try (OutputStream out = log.create(other, EnumSet.of(CreateFlag.CREATE))) {
      out.write(2);
    }

    assertThatThrownBy(
            () ->
                log.rename(
                    other, new Path(directory.resolve("first.json").toUri()), Options.Rename.NONE))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(directory.resolve("first.json")).hasContent("{}");
  }

  @Test
  void symbolicLinksAndFilesHaveTheStatusHadoopGivesThem() throws IOException {
    java.nio.file.Path target = Files.writeString(directory.resolve("target.txt"), "x");
    Path link = new Path(Files.createSymbolicLink(directory.resolve("link.txt"), target).toUri());
    Path file = new Path(target.toUri());
    FileSystem forkFree = FileSystem.get(directory.toUri(), forkFree());
    FileSystem stock = FileSystem.get(directory.toUri(), stock());

    for (Path path : new Path[] {link, file}) {
      FileStatus expected = stock.getFileLinkStatus(path);
      FileStatus actual = forkFree.getFileLinkStatus(path);
      assertThat(actual.isSymlink()).isEqualTo(expected.isSymlink());
      assertThat(actual.getLen()).isEqualTo(expected.getLen());
      assertThat(actual.getPath()).isEqualTo(expected.getPath());
    }
    assertThatThrownBy(
            () -> forkFree.getFileLinkStatus(new Path(directory.resolve("none").toUri())))
        .isInstanceOf(java.io.FileNotFoundException.class);
  }
}
