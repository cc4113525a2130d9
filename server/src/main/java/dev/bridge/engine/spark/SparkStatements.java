package dev.bridge.engine.spark;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.StatementKind;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CodePointCharStream;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.IntStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.misc.Interval;
import org.antlr.v4.runtime.tree.ParseTree;
import org.apache.spark.sql.catalyst.parser.SqlBaseLexer;
import org.apache.spark.sql.catalyst.parser.SqlBaseParser;

/**
 * What a Spark statement is, read from Spark's own SQL grammar before Spark sees it: whether it is a query (it is
 * then described by AnalyzePlan, which must not run it; Spark runs a command as soon as it analyses it) and which
 * tables it reads. No SQL text is matched: the statement's parse tree decides.
 */
final class SparkStatements {
  private SparkStatements() {}

  /**
   * A parsed statement: its kind, the names (parts unquoted) of the tables and views it reads, and its parameter
   * markers in the order they are written.
   */
  record Parsed(StatementKind kind, List<List<String>> tables, List<Marker> markers) {}

  /**
   * A parameter marker: {@code ?} (name null) or {@code :name}; {@code castTo} is the Spark type it is cast to when
   * the marker is the whole operand of a {@code CAST(... AS type)} or {@code ...::type} (else null).
   */
  record Marker(String name, String castTo) {}

  static Parsed parse(String sql) {
    SqlBaseLexer lexer = new SqlBaseLexer(new UpperCase(CharStreams.fromString(sql)));
    lexer.removeErrorListeners();
    lexer.addErrorListener(Refusal.INSTANCE);
    SqlBaseParser parser = new SqlBaseParser(new CommonTokenStream(lexer));
    parser.removeErrorListeners();
    parser.addErrorListener(Refusal.INSTANCE);
    SqlBaseParser.SingleStatementContext statement = parser.singleStatement();
    List<List<String>> tables = new ArrayList<>();
    collectTables(statement, tables);
    List<Marker> markers = new ArrayList<>();
    collectMarkers(statement, markers);
    return new Parsed(kind(statement), tables, markers);
  }

  private static void collectMarkers(ParseTree tree, List<Marker> markers) {
    if (tree instanceof SqlBaseParser.PosParameterLiteralContext
        || tree instanceof SqlBaseParser.PositionalParameterMarkerRuleContext) {
      markers.add(new Marker(null, castTo((ParserRuleContext) tree)));
      return;
    }
    if (tree instanceof SqlBaseParser.NamedParameterMarkerContext named) {
      markers.add(new Marker(named.simpleIdentifier().getText(), castTo(named)));
      return;
    }
    for (int i = 0; i < tree.getChildCount(); i++) {
      collectMarkers(tree.getChild(i), markers);
    }
  }

  /** The type a marker is cast to, when the nearest enclosing cast's operand is the marker alone. */
  private static String castTo(ParserRuleContext marker) {
    String text = marker.getText();
    for (ParserRuleContext at = marker.getParent(); at != null; at = at.getParent()) {
      if (at instanceof SqlBaseParser.CastContext cast) {
        return cast.expression().getText().equals(text) ? cast.dataType().getText() : null;
      }
      if (at instanceof SqlBaseParser.CastByColonContext cast) {
        return cast.primaryExpression().getText().equals(text) ? cast.dataType().getText() : null;
      }
      if (!at.getText().equals(text)) {
        return null;
      }
    }
    return null;
  }

  /**
   * A query, or a statement that only shows something (SHOW, DESCRIBE, EXPLAIN), returns rows and changes nothing;
   * INSERT, UPDATE, DELETE and MERGE change rows; everything else (DDL, SET, USE, CACHE, ...) is a command.
   */
  private static StatementKind kind(SqlBaseParser.SingleStatementContext statement) {
    if (statement.statement() == null) {
      return StatementKind.COMMAND; // SET and RESET
    }
    if (statement.statement() instanceof SqlBaseParser.StatementDefaultContext) {
      return StatementKind.QUERY;
    }
    if (statement.statement() instanceof SqlBaseParser.DmlStatementContext) {
      return StatementKind.UPDATE;
    }
    String alternative = statement.statement().getClass().getSimpleName();
    return alternative.startsWith("Show") || alternative.startsWith("Describe") || alternative.startsWith("Explain")
        ? StatementKind.QUERY : StatementKind.COMMAND;
  }

  private static void collectTables(ParseTree tree, List<List<String>> tables) {
    if (tree instanceof SqlBaseParser.TableNameContext table) {
      tables.add(nameParts(table.identifierReference().getText()));
    }
    for (int i = 0; i < tree.getChildCount(); i++) {
      collectTables(tree.getChild(i), tables);
    }
  }

  /** The parts of a dotted name as Spark's grammar wrote it: backquoted parts unquoted ({@code ``} is one). */
  static List<String> nameParts(String text) {
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '`') {
        if (quoted && i + 1 < text.length() && text.charAt(i + 1) == '`') {
          part.append('`');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == '.' && !quoted) {
        parts.add(part.toString());
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    parts.add(part.toString());
    return parts;
  }

  /** A statement Spark's grammar rejects: Spark would refuse it the same way, so it is refused before it is sent. */
  private static final class Refusal extends BaseErrorListener {
    static final Refusal INSTANCE = new Refusal();

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int position,
        String message, RecognitionException e) {
      throw EngineException.invalidArgument("Spark cannot parse the statement: " + message + " (line " + line
          + ", position " + (position + 1) + ")");
    }
  }

  /**
   * The statement as Spark's lexer reads it: its keywords are upper case in the grammar, so the lexer sees every
   * character upper-cased while the tokens keep the text as written (Spark's UpperCaseCharStream does the same).
   */
  private static final class UpperCase implements CharStream {
    private final CodePointCharStream wrapped;

    UpperCase(CodePointCharStream wrapped) {
      this.wrapped = wrapped;
    }

    @Override
    public int LA(int i) {
      int c = wrapped.LA(i);
      return c == 0 || c == IntStream.EOF ? c : Character.toUpperCase(c);
    }

    @Override
    public String getText(Interval interval) {
      return wrapped.getText(interval);
    }

    @Override
    public void consume() {
      wrapped.consume();
    }

    @Override
    public int mark() {
      return wrapped.mark();
    }

    @Override
    public void release(int marker) {
      wrapped.release(marker);
    }

    @Override
    public int index() {
      return wrapped.index();
    }

    @Override
    public void seek(int index) {
      wrapped.seek(index);
    }

    @Override
    public int size() {
      return wrapped.size();
    }

    @Override
    public String getSourceName() {
      return wrapped.getSourceName();
    }
  }
}
