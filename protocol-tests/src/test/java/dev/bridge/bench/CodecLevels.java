package dev.bridge.bench;

import dev.bridge.compression.IpcBodyCodecs;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.duckdb.DuckDBResultSet;

/**
 * {@code scripts/bench-codecs}: what each Arrow IPC body codec and level costs on the benchmarks' lineitem table, to
 * choose the levels Bridge uses by measurement. The batches are DuckDB's own Arrow export (65,536 rows, as Bridge
 * streams them); each codec compresses every buffer of every batch with the codec Bridge runs (zstd-jni through
 * arrow-compression at the given level; Bridge's LZ4 frame codec), then decompresses it. Figures are thread CPU
 * (the cost on a core, whatever else runs on the machine), medians of rounds alternated codec by codec after one
 * warm-up round. It prints one line per codec and appends JSON lines (section "codecs") to {@code bench.results}.
 * <pre>
 *   CodecLevels LINEITEM_SQL [ROWS] [ROUNDS] [ZSTD_LEVELS, e.g. -7,-5,-3,-1,1,2,3]
 * </pre>
 */
public final class CodecLevels {
  private static final int BATCH_ROWS = 65_536;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private CodecLevels() {}

  public static void main(String[] args) throws Exception {
    Path definition = Path.of(args[0]);
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    String levels = args.length > 3 ? args[3] : "-7,-5,-3,-1,1,2,3";
    Map<String, CompressionCodec> codecs = new LinkedHashMap<>();
    codecs.put("lz4", IpcBodyCodecs.FACTORY.createCodec(CompressionUtil.CodecType.LZ4_FRAME));
    for (String level : levels.split(",")) {
      codecs.put("zstd " + level.trim(), CommonsCompressionFactory.INSTANCE.createCodec(
          CompressionUtil.CodecType.ZSTD, Integer.parseInt(level.trim())));
    }
    try (BufferAllocator allocator = new RootAllocator();
         Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
      LineitemTable.ensure(connection, LineitemTable.NAME, rows, definition);
      List<ArrowRecordBatch> batches = export(connection, allocator);
      long raw = 0;
      for (ArrowRecordBatch batch : batches) {
        for (ArrowBuf buffer : batch.getBuffers()) {
          raw += buffer.writerIndex();
        }
      }
      System.out.printf(Locale.ROOT, "%,d rows, %d batches, %,.1f MB of buffers, %d rounds%n", rows, batches.size(),
          raw / 1e6, rounds);
      Map<String, List<double[]>> measured = new LinkedHashMap<>();
      for (int round = -1; round < rounds; round++) {
        for (Map.Entry<String, CompressionCodec> codec : codecs.entrySet()) {
          double[] figures = round(codec.getValue(), batches, allocator);
          if (round >= 0) {
            measured.computeIfAbsent(codec.getKey(), k -> new ArrayList<>()).add(figures);
          }
        }
      }
      double perSixMillion = 6_000_000.0 / rows;
      System.out.printf(Locale.ROOT, "%-8s %7s %12s %12s %14s %14s %12s%n", "codec", "ratio", "comp MB/s",
          "decomp MB/s", "comp s/6M", "decomp s/6M", "s@1Gbit/6M");
      for (Map.Entry<String, List<double[]>> codec : measured.entrySet()) {
        double compressed = codec.getValue().get(0)[0];
        double compressSeconds = median(codec.getValue(), 1);
        double decompressSeconds = median(codec.getValue(), 2);
        double ratio = raw / compressed;
        double linkSeconds = compressed * perSixMillion * 8 / 1e9;
        System.out.printf(Locale.ROOT, "%-8s %7.2f %12.0f %12.0f %14.2f %14.2f %12.2f%n", codec.getKey(), ratio,
            raw / 1e6 / compressSeconds, raw / 1e6 / decompressSeconds, compressSeconds * perSixMillion,
            decompressSeconds * perSixMillion, linkSeconds);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("rows", rows);
        figures.put("raw_mb", Math.round(raw / 1e5) / 10.0);
        figures.put("compressed_mb", Math.round(compressed / 1e5) / 10.0);
        figures.put("ratio", Math.round(ratio * 100) / 100.0);
        figures.put("compress_mb_per_cpu_s", Math.round(raw / 1e6 / compressSeconds));
        figures.put("decompress_mb_per_cpu_s", Math.round(raw / 1e6 / decompressSeconds));
        figures.put("rounds", rounds);
        BenchResults.record("codecs", codec.getKey(), figures);
      }
      batches.forEach(ArrowRecordBatch::close);
    }
  }

  /** DuckDB's batches of the table, each holding its buffers (released by the caller). */
  private static List<ArrowRecordBatch> export(Connection connection, BufferAllocator allocator) throws Exception {
    List<ArrowRecordBatch> batches = new ArrayList<>();
    try (Statement statement = connection.createStatement();
         DuckDBResultSet results = (DuckDBResultSet) statement.executeQuery("SELECT * FROM " + LineitemTable.NAME);
         ArrowReader reader = (ArrowReader) results.arrowExportStream(allocator, BATCH_ROWS)) {
      VectorUnloader unloader = new VectorUnloader(reader.getVectorSchemaRoot());
      while (reader.loadNextBatch()) {
        batches.add(unloader.getRecordBatch());
      }
    }
    return batches;
  }

  /** {compressed bytes, compression CPU s, decompression CPU s} of one round over every buffer. */
  private static double[] round(CompressionCodec codec, List<ArrowRecordBatch> batches, BufferAllocator allocator) {
    List<ArrowBuf> compressed = new ArrayList<>();
    long start = THREADS.getCurrentThreadCpuTime();
    for (ArrowRecordBatch batch : batches) {
      for (ArrowBuf buffer : batch.getBuffers()) {
        // The codec releases the buffer it is given: it gets a reference of its own.
        buffer.getReferenceManager().retain();
        compressed.add(codec.compress(allocator, buffer));
      }
    }
    long compressedNanos = THREADS.getCurrentThreadCpuTime() - start;
    long bytes = compressed.stream().mapToLong(ArrowBuf::writerIndex).sum();
    start = THREADS.getCurrentThreadCpuTime();
    for (ArrowBuf buffer : compressed) {
      buffer.getReferenceManager().retain();
      codec.decompress(allocator, buffer).close();
    }
    long decompressedNanos = THREADS.getCurrentThreadCpuTime() - start;
    compressed.forEach(ArrowBuf::close);
    return new double[] {bytes, compressedNanos / 1e9, decompressedNanos / 1e9};
  }

  private static double median(List<double[]> runs, int index) {
    return BenchResults.median(runs.stream().mapToDouble(run -> run[index]).toArray());
  }
}
