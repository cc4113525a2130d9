package dev.bridge.datasets;

import dev.bridge.config.ConfigException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * One glob pattern of a dataset, resolved to an absolute path and split into the directory it starts in (its
 * longest prefix without wildcards) and the wildcard part. Listing walks only that directory, no deeper than the
 * pattern reaches, and does not follow symbolic links to directories. Syntax: Java's glob ({@code *} within one
 * directory, {@code **} across directories, also none, {@code ?}, {@code [a-z]}, {@code {a,b}}).
 */
final class DatasetGlob {
  private static final String WILDCARDS = "*?[{";

  private final String absolutePattern;
  private final Path root;
  private final PathMatcher matcher;
  private final int maxDepth;

  private DatasetGlob(String absolutePattern, Path root, PathMatcher matcher, int maxDepth) {
    this.absolutePattern = absolutePattern;
    this.root = root;
    this.matcher = matcher;
    this.maxDepth = maxDepth;
  }

  /**
   * Resolves {@code pattern} against {@code base}; a pattern whose directory is outside every data directory, or
   * that climbs with {@code ..} after a wildcard, is a configuration error naming the dataset.
   */
  static DatasetGlob of(String dataset, String pattern, Path base, List<Path> dataDirectories) {
    List<String> segments = Arrays.asList(base.resolve(pattern).toString().split("/", -1));
    int firstWildcard = 0;
    while (firstWildcard < segments.size() - 1 && !hasWildcard(segments.get(firstWildcard))) {
      firstWildcard++;
    }
    Path root = Path.of("/", segments.subList(0, firstWildcard).toArray(String[]::new)).normalize();
    List<String> rest = segments.subList(firstWildcard, segments.size());
    if (rest.contains("..") || rest.contains(".")) {
      throw new ConfigException("files.datasets." + dataset + ".paths: '" + pattern
          + "' has '..' or '.' after a wildcard; write the directory without them");
    }
    if (dataDirectories.stream().noneMatch(root::startsWith)) {
      throw new ConfigException("files.datasets." + dataset + ".paths: '" + pattern + "' resolves to " + root
          + ", outside the data directories " + dataDirectories + " (database.data_directories)");
    }
    // Java's "**/" needs at least one directory; a dataset's "**/" also matches none, as DuckDB's does.
    String wildcardPart = String.join("/", rest).replace("**/", "{**/,}");
    PathMatcher matcher;
    try {
      matcher = FileSystems.getDefault().getPathMatcher("glob:" + escape(root.toString()) + "/" + wildcardPart);
    } catch (PatternSyntaxException e) {
      throw new ConfigException("files.datasets." + dataset + ".paths: '" + pattern + "' is not a valid glob: "
          + e.getDescription());
    }
    int maxDepth = rest.stream().anyMatch(segment -> segment.contains("**")) ? Integer.MAX_VALUE : rest.size();
    return new DatasetGlob(root + "/" + String.join("/", rest), root, matcher, maxDepth);
  }

  /** The directory before the pattern's first wildcard: where its files (and hive partitions) start. */
  Path root() {
    return root;
  }

  /** The absolute pattern, as messages show it. */
  String absolutePattern() {
    return absolutePattern;
  }

  /**
   * Adds the regular files (or symbolic links to them) the pattern matches now to {@code files}, and the directories
   * it read to {@code directories}, each stamped before it was read. When the pattern's directory does not exist
   * yet, its nearest existing ancestor is stamped instead, so that its creation is noticed.
   */
  void list(List<DatasetFile> files, List<DirectoryStamp> directories) throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      Path ancestor = root.getParent();
      while (ancestor != null && !Files.isDirectory(ancestor, LinkOption.NOFOLLOW_LINKS)) {
        ancestor = ancestor.getParent();
      }
      if (ancestor != null) {
        directories.add(DirectoryStamp.of(ancestor));
      }
      return;
    }
    Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), maxDepth, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
        directories.add(new DirectoryStamp(directory, attributes.lastModifiedTime()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        if (matcher.matches(file)) {
          if (attributes.isSymbolicLink()) {
            Path target = file.toRealPath();
            BasicFileAttributes targetAttributes = Files.readAttributes(target, BasicFileAttributes.class);
            if (targetAttributes.isRegularFile()) {
              files.add(new DatasetFile(file, target, targetAttributes.size(), targetAttributes.lastModifiedTime()));
            }
          } else if (attributes.isRegularFile()) {
            files.add(new DatasetFile(file, file, attributes.size(), attributes.lastModifiedTime()));
          }
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static boolean hasWildcard(String segment) {
    return segment.chars().anyMatch(c -> WILDCARDS.indexOf(c) >= 0);
  }

  private static String escape(String literal) {
    StringBuilder escaped = new StringBuilder(literal.length());
    for (char c : literal.toCharArray()) {
      if ("*?[]{}\\".indexOf(c) >= 0) {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }
}
