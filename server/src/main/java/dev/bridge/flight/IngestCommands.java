package dev.bridge.flight;

import dev.bridge.engine.EngineException;
import dev.bridge.ingest.IngestMode;
import dev.bridge.ingest.IngestTarget;
import java.util.List;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;

/** Reads the target and mode of an ingest from a Flight SQL ingest command or a plain Flight path descriptor. */
final class IngestCommands {
  private IngestCommands() {}

  static IngestTarget target(CommandStatementIngest command) {
    return IngestTarget.of(command.getCatalog(), command.getSchema(), command.getTable(), command.getTemporary());
  }

  static IngestMode mode(CommandStatementIngest command) {
    if (!command.hasTableDefinitionOptions()) {
      throw EngineException.invalidArgument("the ingest command has no table_definition_options; set if_not_exist"
          + " and if_exists");
    }
    TableDefinitionOptions options = command.getTableDefinitionOptions();
    IngestMode.IfMissing ifMissing = switch (options.getIfNotExist()) {
      case TABLE_NOT_EXIST_OPTION_CREATE -> IngestMode.IfMissing.CREATE;
      case TABLE_NOT_EXIST_OPTION_FAIL -> IngestMode.IfMissing.FAIL;
      default -> throw EngineException.invalidArgument("table_definition_options.if_not_exist must be CREATE or"
          + " FAIL, not " + options.getIfNotExist());
    };
    IngestMode.IfExists ifExists = switch (options.getIfExists()) {
      case TABLE_EXISTS_OPTION_FAIL -> IngestMode.IfExists.FAIL;
      case TABLE_EXISTS_OPTION_APPEND -> IngestMode.IfExists.APPEND;
      case TABLE_EXISTS_OPTION_REPLACE -> IngestMode.IfExists.REPLACE;
      default -> throw EngineException.invalidArgument("table_definition_options.if_exists must be FAIL, APPEND or"
          + " REPLACE, not " + options.getIfExists());
    };
    return new IngestMode(ifMissing, ifExists);
  }

  /** A path descriptor names a table as [table], [schema, table] or [catalog, schema, table]. */
  static IngestTarget target(List<String> path) {
    return switch (path.size()) {
      case 1 -> IngestTarget.table(path.get(0));
      case 2 -> IngestTarget.of(null, path.get(0), path.get(1), false);
      case 3 -> IngestTarget.of(path.get(0), path.get(1), path.get(2), false);
      default -> throw EngineException.invalidArgument("a DoPut path names a table as [table], [schema, table] or"
          + " [catalog, schema, table]; got " + path.size() + " part(s): " + path);
    };
  }
}
