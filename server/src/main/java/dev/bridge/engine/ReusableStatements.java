package dev.bridge.engine;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.duckdb.DuckDBPreparedStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DuckDB prepared statements of a session's own connection, by SQL text, ready to run their query: the one its
 * planning prepared, or one that ran it to its end. The execution that follows a planning (DoGet after
 * GetFlightInfo, as the JDBC driver does for every {@code executeQuery}) and a query run again (a dashboard's
 * refresh) skip DuckDB's parse, bind and plan, about as long as the execution of a small query.
 *
 * <p>DuckDB binds a prepared statement again by itself when a table it reads changed, so a reused statement returns
 * what a new one would. What DuckDB does not bind again for is a change of the connection's search path or
 * settings: those come from commands (USE, SET, ...), and a statement prepared before the last command that ran on
 * any session is closed instead of reused. A statement is taken out while it runs, so no two streams share one.
 * Least recently kept statements are closed beyond {@code capacity}.
 */
final class ReusableStatements implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReusableStatements.class);

  /** Keeps nothing: for spare connections, which live for one statement. */
  static final ReusableStatements NONE = new ReusableStatements(0);

  /**
   * {@code ranOtherStatements}: preparing it ran the other statements of its text (DuckDB runs all but the last
   * statement of a text when it prepares it); preparing the text again would run them twice, so it is taken however
   * many commands ran since.
   */
  private record Entry(DuckDBPreparedStatement statement, long commandsRun, boolean ranOtherStatements) {}

  private final int capacity;
  private final Map<String, Entry> idle;
  private boolean closed;

  ReusableStatements(int capacity) {
    this.capacity = capacity;
    this.idle = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        if (size() <= ReusableStatements.this.capacity) {
          return false;
        }
        closeQuietly(eldest.getValue().statement());
        return true;
      }
    };
  }

  /**
   * Takes the idle statement of {@code sql} when it was prepared after the last command ({@code commandsRun}, the
   * number of commands run so far); the caller then owns it.
   */
  synchronized Optional<DuckDBPreparedStatement> take(String sql, long commandsRun) {
    Entry entry = idle.remove(sql);
    if (entry == null) {
      return Optional.empty();
    }
    if (entry.commandsRun() != commandsRun && !entry.ranOtherStatements()) {
      closeQuietly(entry.statement());
      return Optional.empty();
    }
    return Optional.of(entry.statement());
  }

  /**
   * Keeps {@code statement}, prepared from {@code sql} when {@code commandsRun} commands had run, for the next run
   * of {@code sql}; closes it when it cannot be kept.
   */
  synchronized void keep(String sql, DuckDBPreparedStatement statement, long commandsRun) {
    keep(sql, statement, commandsRun, false);
  }

  /**
   * Keeps the statement DuckDB prepared from the last statement of a text of several, whose preparing ran the
   * others: the text's execution takes it, so that they run once.
   */
  synchronized void keepLastOfSeveral(String sql, DuckDBPreparedStatement statement, long commandsRun) {
    keep(sql, statement, commandsRun, true);
  }

  private void keep(String sql, DuckDBPreparedStatement statement, long commandsRun, boolean ranOtherStatements) {
    if (closed || capacity == 0 || isClosed(statement)) {
      closeQuietly(statement);
      return;
    }
    Entry replaced = idle.put(sql, new Entry(statement, commandsRun, ranOtherStatements));
    if (replaced != null) {
      closeQuietly(replaced.statement());
    }
  }

  /** Closes every idle statement (the connection's search path changed). */
  synchronized void clear() {
    idle.values().forEach(entry -> closeQuietly(entry.statement()));
    idle.clear();
  }

  synchronized int size() {
    return idle.size();
  }

  /** Closes every idle statement; statements kept afterwards are closed at once. */
  @Override
  public synchronized void close() {
    closed = true;
    clear();
  }

  private static boolean isClosed(DuckDBPreparedStatement statement) {
    try {
      return statement.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  static void closeQuietly(DuckDBPreparedStatement statement) {
    try {
      statement.close();
    } catch (SQLException e) {
      log.debug("closing a DuckDB prepared statement failed: {}", e.getMessage());
    }
  }
}
