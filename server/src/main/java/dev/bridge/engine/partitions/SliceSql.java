package dev.bridge.engine.partitions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridge.engine.DuckDbErrors;
import dev.bridge.engine.DuckDbStatements;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL one slice of a query runs, written by DuckDB from the query's edited parse: DuckDB parses the client's
 * query ({@code json_serialize_sql}), the edit adds the slice's rowid range to the WHERE clause (a table) or
 * replaces the FROM with the dataset's reader over the slice's files or over a row range of one file (a dataset),
 * and DuckDB writes the SQL back
 * ({@code json_deserialize_sql}). No SQL text is cut or spliced.
 */
final class SliceSql {
  private static final String DESERIALIZE = "SELECT json_deserialize_sql(?::JSON)";
  /** The column in which DuckDB's Parquet reader gives each row's position in its file, when asked. */
  static final String ROW_NUMBER = "file_row_number";

  private SliceSql() {}

  /** The slice's SQL for a query over a table: its WHERE clause, AND the rowid range. */
  static String tableRows(Connection connection, JsonNode parse, Slice.TableRows slice) {
    ObjectNode edited = parse.deepCopy();
    ObjectNode node = (ObjectNode) edited.path("statements").get(0).path("node");
    // DuckDB writes the range as it parses it: a conjunction whose first term stands for the client's condition.
    JsonNode range = selectNode(connection, "SELECT 1 WHERE TRUE" + bound(">=", slice.fromRowid(), 0)
        + bound("<", slice.toRowid(), Slice.NO_END)).path("where_clause");
    JsonNode where = node.path("where_clause");
    if (!where.isNull()) {
      ((ArrayNode) range.path("children")).set(0, where);
    }
    node.set("where_clause", range);
    return deserialize(connection, edited);
  }

  /** The slice's SQL for a query over a dataset's view: its FROM, the dataset's reader over the slice's files. */
  static String datasetFiles(Connection connection, JsonNode parse, Slice.DatasetFiles slice,
      FileDatasets.FileDataset dataset) {
    List<String> paths = new ArrayList<>();
    slice.files().forEach(file -> paths.add(file.path()));
    JsonNode reader = selectNode(connection, dataset.selectSql(paths)).path("from_table");
    return withFrom(connection, parse, reader);
  }

  /**
   * The slice's SQL for a query over a dataset's view: its FROM, a subquery reading the slice's rows of one file
   * with the dataset's reader, told to number the file's rows ({@code file_row_number = true}), filtered to the
   * range and without the number. DuckDB evaluates that filter inside the Parquet scan, against each row group's
   * place in the file, and skips the row groups outside the range.
   */
  static String datasetFileRows(Connection connection, JsonNode parse, Slice.DatasetFileRows slice,
      FileDatasets.FileDataset dataset) {
    ObjectNode reader = (ObjectNode) selectNode(connection, dataset.selectSql(List.of(slice.file().path())))
        .path("from_table").deepCopy();
    // DuckDB parses a named parameter of a table function as the comparison "name = value" among its arguments
    // (a list DuckDB 2 names "arguments", earlier versions "children").
    JsonNode template = selectNode(connection, "SELECT * FROM read_parquet('file', " + ROW_NUMBER + " = true)")
        .path("from_table").path("function");
    String arguments = template.has("arguments") ? "arguments" : "children";
    ((ArrayNode) reader.path("function").path(arguments)).add(template.path(arguments).get(1));
    ObjectNode rows = (ObjectNode) selectNode(connection, "SELECT * EXCLUDE (" + ROW_NUMBER + ") FROM range(0)"
        + " WHERE " + ROW_NUMBER + " >= " + slice.fromRow() + " AND " + ROW_NUMBER + " < " + slice.toRow()).deepCopy();
    rows.set("from_table", reader);
    ObjectNode subquery = (ObjectNode) selectNode(connection, "SELECT * FROM (SELECT 1)").path("from_table")
        .deepCopy();
    ((ObjectNode) subquery.path("subquery")).set("node", rows);
    return withFrom(connection, parse, subquery);
  }

  /** The query with {@code from} in place of the view its FROM names. */
  private static String withFrom(Connection connection, JsonNode parse, JsonNode from) {
    ObjectNode edited = parse.deepCopy();
    ObjectNode node = (ObjectNode) edited.path("statements").get(0).path("node");
    JsonNode view = node.path("from_table");
    ObjectNode reader = from.deepCopy();
    // Columns qualified with the view's name or alias keep meaning the same columns.
    String alias = view.path("alias").asText("");
    reader.put("alias", alias.isEmpty() ? view.path("table_name").asText() : alias);
    reader.set("column_name_alias", view.path("column_name_alias"));
    node.set("from_table", reader);
    return deserialize(connection, edited);
  }

  private static String bound(String comparison, long rowid, long none) {
    return rowid == none ? "" : " AND rowid " + comparison + " " + rowid;
  }

  private static JsonNode selectNode(Connection connection, String sql) {
    JsonNode parse = DuckDbStatements.parse(connection, sql);
    if (parse.path("error").asBoolean(true)) {
      throw new EngineException(ErrorKind.INTERNAL, "DuckDB did not parse the slice's SQL " + sql + ": "
          + parse.path("error_message").asText());
    }
    return parse.path("statements").get(0).path("node");
  }

  private static String deserialize(Connection connection, JsonNode parse) {
    try (PreparedStatement statement = connection.prepareStatement(DESERIALIZE)) {
      statement.setString(1, parse.toString());
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getString(1);
      }
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }
}
