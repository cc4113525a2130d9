"""Every DuckDB type through pyarrow: the announced schema is the streamed schema and values arrive whole."""
import datetime
import decimal
import json
import struct

import pyarrow as pa
import pyarrow.flight as flight

ALL_TYPES = """
SELECT
  -1::TINYINT AS t, 170141183460469231731687303715884105727::HUGEINT AS h,
  255::UTINYINT AS ut, 4294967295::UINTEGER AS ui, 18446744073709551615::UBIGINT AS ub,
  340282366920938463463374607431768211455::UHUGEINT AS uh,
  12345678901234567890.123456789012345678::DECIMAL(38,18) AS d38, 1.25::DECIMAL(4,2) AS d4,
  'héllo' AS v, '\\xAA\\xBB'::BLOB AS bl, DATE '2024-02-29' AS dt, TIME '12:34:56.789012' AS tm,
  TIMESTAMP '2024-02-29 12:34:56.789012' AS ts, TIMESTAMP_NS '2024-02-29 12:34:56.123456789' AS ts_ns,
  TIMESTAMPTZ '2024-02-29 12:34:56+00' AS tstz, INTERVAL '1 year 2 months 3 days 04:05:06' AS iv,
  '550e8400-e29b-41d4-a716-446655440000'::UUID AS u, 'happy'::ENUM('sad', 'happy') AS e,
  [1, 2, NULL]::INTEGER[] AS l, [1.5, 2.5]::DOUBLE[2] AS a, {'x': 1, 'y': 'z'} AS st, MAP {'k': 1} AS m,
  true AS bo, 3.25::DOUBLE AS db, '12:00:00+05:30'::TIMETZ AS ttz, '1011'::BIT AS bit,
  union_value(num := 2)::UNION(num INTEGER, str VARCHAR) AS un,
  {'a': 1, 'b': [1.5, NULL]}::VARIANT AS va, 'POINT(1 2)'::GEOMETRY AS geo
"""

# POINT(1 2) as little-endian WKB.
POINT_1_2_WKB = bytes([1, 1, 0, 0, 0]) + struct.pack("<dd", 1.0, 2.0)


def test_every_type(client):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(ALL_TYPES))
    table = client.do_get(info.endpoints[0].ticket).read_all()
    assert table.schema == info.schema
    row = table.drop_columns(["ts_ns"]).to_pylist()[0]
    assert row["t"] == -1
    assert row["h"] == decimal.Decimal("170141183460469231731687303715884105727")
    assert table.schema.field("ut").type == pa.int16() and row["ut"] == 255
    assert table.schema.field("ui").type == pa.int64() and row["ui"] == 4294967295
    assert row["ub"] == decimal.Decimal("18446744073709551615")
    assert row["uh"] == "340282366920938463463374607431768211455"
    assert row["d38"] == decimal.Decimal("12345678901234567890.123456789012345678")
    assert row["d4"] == decimal.Decimal("1.25")
    assert row["v"] == "héllo"
    assert row["bl"] == b"\xaa\xbb"
    assert row["dt"] == datetime.date(2024, 2, 29)
    assert row["tm"] == datetime.time(12, 34, 56, 789012)
    assert row["ts"] == datetime.datetime(2024, 2, 29, 12, 34, 56, 789012)
    assert table.schema.field("ts_ns").type == pa.timestamp("ns")
    assert table.column("ts_ns").cast(pa.int64())[0].as_py() == 1709210096123456789
    assert table.schema.field("tstz").type.tz is not None
    assert row["tstz"] == datetime.datetime(2024, 2, 29, 12, 34, 56, tzinfo=datetime.timezone.utc)
    assert table.schema.field("iv").type == pa.month_day_nano_interval()
    assert row["u"] == "550e8400-e29b-41d4-a716-446655440000"
    assert table.schema.field("e").type == pa.string() and row["e"] == "happy"
    assert row["l"] == [1, 2, None]
    assert row["a"] == [1.5, 2.5]
    assert row["st"] == {"x": 1, "y": "z"}
    assert row["m"] == [("k", 1)]
    assert row["bo"] is True
    assert row["db"] == 3.25
    assert row["ttz"] == "12:00:00+05:30"
    assert row["bit"] == "1011"
    assert row["un"] == 2
    # DuckDB 2.0's VARIANT as JSON text; GEOMETRY as GeoArrow WKB (binary, with the extension name).
    assert table.schema.field("va").type == pa.string()
    assert json.loads(row["va"]) == {"a": 1, "b": [1.5, None]}
    assert row["geo"] == POINT_1_2_WKB
    assert table.schema.field("geo").metadata[b"ARROW:extension:name"] == b"geoarrow.wkb"
