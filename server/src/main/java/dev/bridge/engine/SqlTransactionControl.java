package dev.bridge.engine;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises SQL that opens or ends a transaction (BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK, ABORT). DuckDB's
 * JDBC driver does not report a transaction opened by SQL text, yet the session must know it has one: its statements
 * must then wait for its connection instead of running on a spare connection outside the transaction.
 */
final class SqlTransactionControl {
  private static final Pattern LEADING_WORD = Pattern.compile("^\\s*(?:--[^\\n]*\\n\\s*|/\\*.*?\\*/\\s*)*(\\w+)",
      Pattern.DOTALL);

  private SqlTransactionControl() {}

  /** Whether the statement leaves a transaction open (true), closed (false), or does not touch it (empty). */
  static Optional<Boolean> effect(String sql) {
    Matcher matcher = LEADING_WORD.matcher(sql);
    if (!matcher.find()) {
      return Optional.empty();
    }
    return switch (matcher.group(1).toUpperCase(Locale.ROOT)) {
      case "BEGIN", "START" -> Optional.of(true);
      case "COMMIT", "END", "ROLLBACK", "ABORT" -> Optional.of(false);
      default -> Optional.empty();
    };
  }
}
