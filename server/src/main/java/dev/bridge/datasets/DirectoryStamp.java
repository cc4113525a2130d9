package dev.bridge.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * A directory's modification time when it was listed. Adding, removing or renaming a file in a directory changes
 * it, so an unchanged stamp means the directory still holds the same names.
 */
record DirectoryStamp(Path path, FileTime modified) {
  static DirectoryStamp of(Path directory) throws IOException {
    return new DirectoryStamp(directory, Files.getLastModifiedTime(directory, LinkOption.NOFOLLOW_LINKS));
  }

  /** Whether the directory still has this modification time; one that vanished has not. */
  boolean unchanged() {
    try {
      return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).equals(modified);
    } catch (IOException e) {
      return false;
    }
  }
}
