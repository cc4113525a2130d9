package dev.bridge.cli;

import dev.bridge.ingest.CountingReader;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows how far an ingest has come: rows, bytes and rate. On a terminal a progress bar redrawn in place; otherwise
 * (a pipe, a CI log) a plain line every {@link #PLAIN_INTERVAL}. Reads the counts of the file's {@link CountingReader}.
 */
abstract class IngestProgress implements AutoCloseable {
  static final Duration PLAIN_INTERVAL = Duration.ofSeconds(2);

  final String name;
  final CountingReader counted;
  final long startNanos = System.nanoTime();

  IngestProgress(String name, CountingReader counted) {
    this.name = name;
    this.counted = counted;
  }

  static IngestProgress start(String name, CountingReader counted, boolean terminal, PrintWriter out) {
    return terminal ? new Bar(name, counted) : new Lines(name, counted, out);
  }

  /** Shows only the final summary line. */
  static IngestProgress silent(String name, CountingReader counted) {
    return new Summary(name, counted);
  }

  /** Called every 200 ms while the file is sent. */
  abstract void update();

  @Override
  public abstract void close();

  String summary() {
    double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    return String.format("%s: %,d rows, %s, %.1f s, %,.0f rows/s", name, counted.rows(), Bytes.human(counted.bytes()),
        seconds, counted.rows() / seconds);
  }

  /** The terminal's progress bar (me.tongfei.progressbar), total unknown: it shows rows, rate and bytes. */
  private static final class Bar extends IngestProgress {
    private final ProgressBar bar;

    Bar(String name, CountingReader counted) {
      super(name, counted);
      this.bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(-1).setUnit(" rows", 1)
          .setStyle(ProgressBarStyle.ASCII).showSpeed().setSpeedUnit(ChronoUnit.SECONDS).setUpdateIntervalMillis(200)
          .build();
    }

    @Override
    void update() {
      bar.stepTo(counted.rows());
      bar.setExtraMessage(Bytes.human(counted.bytes()));
    }

    @Override
    public void close() {
      update();
      bar.close();
    }
  }

  /** Plain progress lines for logs. */
  private static final class Lines extends IngestProgress {
    private final PrintWriter out;
    private long lastNanos = System.nanoTime();

    Lines(String name, CountingReader counted, PrintWriter out) {
      super(name, counted);
      this.out = out;
    }

    @Override
    void update() {
      long now = System.nanoTime();
      if (now - lastNanos >= PLAIN_INTERVAL.toNanos()) {
        lastNanos = now;
        out.println(summary());
        out.flush();
      }
    }

    @Override
    public void close() {
      out.println(summary());
      out.flush();
    }
  }

  /** Nothing while the file is sent. */
  private static final class Summary extends IngestProgress {
    Summary(String name, CountingReader counted) {
      super(name, counted);
    }

    @Override
    void update() {}

    @Override
    public void close() {}
  }
}
