package dev.bridge.datasets;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/** A file a dataset's pattern matches, as it is now: a change of size or modification time is a new version. */
record DatasetFile(Path path, Path realPath, long size, FileTime modified) {}
