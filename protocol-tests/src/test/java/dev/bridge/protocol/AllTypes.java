package dev.bridge.protocol;

/** A one-row table with a column of every DuckDB type, shared by the round-trip tests of each client. */
final class AllTypes {
  static final String CREATE_ENUM = "CREATE TYPE IF NOT EXISTS all_mood AS ENUM ('sad', 'ok', 'happy')";

  static final String CREATE_TABLE = """
      CREATE OR REPLACE TABLE all_types AS SELECT
        -1::TINYINT AS t, -2::SMALLINT AS s, -3::INTEGER AS i, -4::BIGINT AS b,
        170141183460469231731687303715884105727::HUGEINT AS h,
        255::UTINYINT AS ut, 65535::USMALLINT AS us, 4294967295::UINTEGER AS ui,
        18446744073709551615::UBIGINT AS ub,
        340282366920938463463374607431768211455::UHUGEINT AS uh,
        123456789012.345678::DECIMAL(18,6) AS d18,
        12345678901234567890.123456789012345678::DECIMAL(38,18) AS d38,
        'héllo'::VARCHAR AS v, '\\xAA\\xBB'::BLOB AS bl,
        DATE '2024-02-29' AS dt, TIME '12:34:56.789012' AS tm,
        TIMESTAMP '2024-02-29 12:34:56.789012' AS ts,
        TIMESTAMP_S '2024-02-29 12:34:56' AS ts_s,
        TIMESTAMP_MS '2024-02-29 12:34:56.789' AS ts_ms,
        TIMESTAMP_NS '2024-02-29 12:34:56.123456789' AS ts_ns,
        TIMESTAMPTZ '2024-02-29 12:34:56+00' AS tstz,
        INTERVAL '1 year 2 months 3 days 04:05:06' AS iv,
        '550e8400-e29b-41d4-a716-446655440000'::UUID AS u,
        'happy'::all_mood AS e,
        [1, 2, NULL]::INTEGER[] AS l,
        [1.5, 2.5]::DOUBLE[2] AS a,
        {'x': 1, 'y': 'z'} AS st,
        MAP {'k': 1} AS m,
        true AS bo, 3.25::DOUBLE AS db, 1.5::FLOAT AS fl,
        '12:00:00+05:30'::TIMETZ AS ttz,
        '1011'::BIT AS bit,
        ['ok'::all_mood, 'sad'::all_mood] AS le,
        union_value(num := 2)::UNION(num INTEGER, str VARCHAR) AS un,
        {'a': 1, 'b': [1.5, NULL]}::VARIANT AS va,
        [42::VARIANT, 'x'::VARIANT] AS lva,
        'POINT(1 2)'::GEOMETRY AS geo,
        NULL::INTEGER AS n
      """;

  private AllTypes() {}
}
