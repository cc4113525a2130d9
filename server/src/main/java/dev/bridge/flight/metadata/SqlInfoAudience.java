package dev.bridge.flight.metadata;

import java.util.Set;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlInfo;

/**
 * Which SqlInfo ids a client can read when it asks for all of them (a CommandGetSqlInfo that lists no ids).
 *
 * <p>The Flight SQL JDBC driver (every version up to 18.3.0 at least) asks for all ids and files each answer under
 * {@code SqlInfo.forNumber(id)} in an {@code EnumMap}: an id its own generated enum lacks is a null key, and the
 * driver fails with {@code NullPointerException: ... "key" is null} on the first {@code DatabaseMetaData} call
 * (DBeaver's {@code getDatabaseProductName} when it connects), leaking the stream it was reading. Arrow Java 15 and
 * 16 lack FLIGHT_SQL_SERVER_BULK_INGESTION (10) and FLIGHT_SQL_SERVER_INGEST_TRANSACTIONS_SUPPORTED (11), which
 * Arrow 17.0.0 added. Clients known to be that old (by their user agent) get those two only when they list them;
 * 17.0.0 cannot be told from 16 and loses them too, but its DatabaseMetaData reads neither. Everyone else (Arrow
 * Java 18, ADBC, pyarrow, C++, Go) gets every id.
 */
public final class SqlInfoAudience {
  /** Anyone not known to need less: every id the server answers. */
  public static final SqlInfoAudience EVERY_ID = new SqlInfoAudience(Set.of());
  /** Arrow Java 17 or older, whose SqlInfo enum may lack the ingestion ids. */
  public static final SqlInfoAudience BEFORE_ARROW_JAVA_18 = new SqlInfoAudience(Set.of(
      SqlInfo.FLIGHT_SQL_SERVER_BULK_INGESTION_VALUE, SqlInfo.FLIGHT_SQL_SERVER_INGEST_TRANSACTIONS_SUPPORTED_VALUE));

  private final Set<Integer> unknownIds;

  private SqlInfoAudience(Set<Integer> unknownIds) {
    this.unknownIds = unknownIds;
  }

  /** Whether an answer to "all ids" may include {@code id}; an id the client lists by name is always answered. */
  boolean readsUnasked(int id) {
    return !unknownIds.contains(id);
  }
}
