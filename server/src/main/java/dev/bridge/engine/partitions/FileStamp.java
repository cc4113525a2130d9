package dev.bridge.engine.partitions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** A file as it was when a partition was planned: another size or modification time means other data. */
public record FileStamp(String path, long size, long modifiedMillis) {
  /** The file as it is now. */
  public static FileStamp of(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return new FileStamp(file.toString(), attributes.size(), attributes.lastModifiedTime().toMillis());
  }

  /** Whether the file still has this size and modification time; one that is gone has not. */
  public boolean unchanged() {
    try {
      return equals(of(Path.of(path)));
    } catch (IOException e) {
      return false;
    }
  }
}
