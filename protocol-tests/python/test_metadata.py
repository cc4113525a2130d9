"""Catalog metadata through plain pyarrow.flight with hand-packed commands: each answer's schema is the
specification's (written out here from FlightSql.proto, independently of the server), and the data is right."""
import pyarrow as pa
import pytest

import flightsql

TEXT = pa.utf8()


def required(name, type_):
    return pa.field(name, type_, nullable=False)


SPEC = {
    "catalogs": pa.schema([required("catalog_name", TEXT)]),
    "db_schemas": pa.schema([pa.field("catalog_name", TEXT), required("db_schema_name", TEXT)]),
    "tables": pa.schema([pa.field("catalog_name", TEXT), pa.field("db_schema_name", TEXT),
                         required("table_name", TEXT), required("table_type", TEXT)]),
    "table_types": pa.schema([required("table_type", TEXT)]),
    "primary_keys": pa.schema([pa.field("catalog_name", TEXT), pa.field("db_schema_name", TEXT),
                               required("table_name", TEXT), required("column_name", TEXT),
                               required("key_sequence", pa.int32()), pa.field("key_name", TEXT)]),
    "foreign_keys": pa.schema([pa.field("pk_catalog_name", TEXT), pa.field("pk_db_schema_name", TEXT),
                               required("pk_table_name", TEXT), required("pk_column_name", TEXT),
                               pa.field("fk_catalog_name", TEXT), pa.field("fk_db_schema_name", TEXT),
                               required("fk_table_name", TEXT), required("fk_column_name", TEXT),
                               required("key_sequence", pa.int32()), pa.field("fk_key_name", TEXT),
                               pa.field("pk_key_name", TEXT), required("update_rule", pa.uint8()),
                               required("delete_rule", pa.uint8())]),
    "xdbc_type_info": pa.schema([
        required("type_name", TEXT), required("data_type", pa.int32()), pa.field("column_size", pa.int32()),
        pa.field("literal_prefix", TEXT), pa.field("literal_suffix", TEXT),
        pa.field("create_params", pa.list_(required("item", TEXT))), required("nullable", pa.int32()),
        required("case_sensitive", pa.bool_()), required("searchable", pa.int32()),
        pa.field("unsigned_attribute", pa.bool_()), required("fixed_prec_scale", pa.bool_()),
        pa.field("auto_increment", pa.bool_()), pa.field("local_type_name", TEXT),
        pa.field("minimum_scale", pa.int32()), pa.field("maximum_scale", pa.int32()),
        required("sql_data_type", pa.int32()), pa.field("datetime_subcode", pa.int32()),
        pa.field("num_prec_radix", pa.int32()), pa.field("interval_precision", pa.int32())]),
}
SPEC["tables_with_schema"] = SPEC["tables"].append(required("table_schema", pa.binary()))
SQL_INFO_MEMBERS = ["string_value", "bool_value", "bigint_value", "int32_bitmask", "string_list",
                    "int32_to_int32_list_map"]


@pytest.fixture(scope="module")
def catalog(bridge):
    client = bridge.client()
    for sql in ["CREATE SCHEMA py", "CREATE TABLE py.parent(a INTEGER, b VARCHAR, PRIMARY KEY (a, b))",
                "CREATE TABLE py.child(id INTEGER PRIMARY KEY, a INTEGER, b VARCHAR,"
                " amount DECIMAL(9,3), FOREIGN KEY (a, b) REFERENCES py.parent(a, b))",
                "CREATE VIEW py.totals AS SELECT sum(amount) AS total FROM py.child",
                "ATTACH ':memory:' AS py_other"]:
        client.get_flight_info(flightsql.statement_query(sql))  # DDL runs once, at GetFlightInfo
    yield client
    client.close()


def fetch(client, descriptor):
    info = client.get_flight_info(descriptor)
    table = client.do_get(info.endpoints[0].ticket).read_all()
    assert table.schema.equals(info.schema, check_metadata=True)
    return info.schema, table


@pytest.mark.parametrize("name, descriptor", [
    ("catalogs", flightsql.get_catalogs()),
    ("db_schemas", flightsql.get_db_schemas()),
    ("tables", flightsql.get_tables()),
    ("tables_with_schema", flightsql.get_tables(include_schema=True)),
    ("table_types", flightsql.get_table_types()),
    ("primary_keys", flightsql.get_primary_keys("parent", schema="py")),
    ("foreign_keys", flightsql.get_imported_keys("child", schema="py")),
    ("foreign_keys", flightsql.get_exported_keys("parent", schema="py")),
    ("foreign_keys", flightsql.get_cross_reference("parent", "child", "py", "py")),
    ("xdbc_type_info", flightsql.get_xdbc_type_info()),
])
def test_metadata_schema_is_the_specifications(catalog, name, descriptor):
    schema, _ = fetch(catalog, descriptor)
    assert schema == SPEC[name]


def test_sql_info_schema_is_the_specifications(catalog):
    schema, table = fetch(catalog, flightsql.get_sql_info())
    assert schema.field("info_name") == required("info_name", pa.uint32())
    value = schema.field("value")
    assert not value.nullable
    assert value.type.mode == "dense"
    assert [value.type.field(i).name for i in range(value.type.num_fields)] == SQL_INFO_MEMBERS
    assert value.type.field(4).type == pa.list_(pa.field("item", TEXT))
    assert value.type.field(5).type.key_type == pa.int32()
    answers = dict(zip(table.column("info_name").to_pylist(), table.column("value").to_pylist()))
    assert answers[0] == "Bridge"
    assert answers[2] == "18.3.0"
    assert answers[3] is False
    assert answers[100] == 30 * 60 * 1000  # prepared statements live with their session: sessions.idle_timeout
    assert "select" in [keyword.lower() for keyword in answers[508]]


def test_sql_info_answers_only_known_requested_ids(catalog):
    _, table = fetch(catalog, flightsql.get_sql_info(0, 504, 99_999))
    assert table.column("info_name").to_pylist() == [0, 504]
    assert table.column("value").to_pylist() == ["Bridge", '"']


def test_catalogs_include_attached_databases(catalog):
    _, table = fetch(catalog, flightsql.get_catalogs())
    assert {"memory", "py_other", "temp"} <= set(table.column("catalog_name").to_pylist())


def test_tables_filter_by_pattern_and_type(catalog):
    _, table = fetch(catalog, flightsql.get_tables(schema_pattern="py", table_pattern="%t%"))
    assert sorted(zip(table.column("table_name").to_pylist(), table.column("table_type").to_pylist())) == [
        ("parent", "TABLE"), ("totals", "VIEW")]
    _, views = fetch(catalog, flightsql.get_tables(schema_pattern="p_", table_types=["VIEW"]))
    assert views.column("table_name").to_pylist() == ["totals"]


def test_include_schema_carries_flight_sql_column_metadata(catalog):
    _, table = fetch(catalog, flightsql.get_tables(schema_pattern="py", table_pattern="child", include_schema=True))
    schema = pa.ipc.read_schema(pa.py_buffer(table.column("table_schema")[0].as_py()))
    assert schema.names == ["id", "a", "b", "amount"]
    assert schema.field("amount").type == pa.decimal128(9, 3)
    assert not schema.field("id").nullable
    metadata = schema.field("amount").metadata
    assert metadata[b"ARROW:FLIGHT:SQL:TYPE_NAME"] == b"DECIMAL(9,3)"
    assert metadata[b"ARROW:FLIGHT:SQL:PRECISION"] == b"9"
    assert metadata[b"ARROW:FLIGHT:SQL:SCALE"] == b"3"
    assert metadata[b"ARROW:FLIGHT:SQL:CATALOG_NAME"] == b"memory"
    assert metadata[b"ARROW:FLIGHT:SQL:SCHEMA_NAME"] == b"py"
    assert metadata[b"ARROW:FLIGHT:SQL:TABLE_NAME"] == b"child"
    assert metadata[b"ARROW:FLIGHT:SQL:IS_READ_ONLY"] == b"0"


def test_query_schema_carries_column_metadata_identical_to_the_stream(catalog):
    schema, table = fetch(catalog, flightsql.statement_query("SELECT id, b, amount FROM py.child"))
    assert schema.field("amount").metadata[b"ARROW:FLIGHT:SQL:TYPE_NAME"] == b"DECIMAL(9,3)"
    assert schema.field("b").metadata[b"ARROW:FLIGHT:SQL:IS_CASE_SENSITIVE"] == b"1"
    assert schema.field("id").metadata[b"ARROW:FLIGHT:SQL:TYPE_NAME"] == b"INTEGER"


def test_keys_follow_the_constraints(catalog):
    _, keys = fetch(catalog, flightsql.get_primary_keys("parent", schema="py"))
    assert keys.column("column_name").to_pylist() == ["a", "b"]
    assert keys.column("key_sequence").to_pylist() == [1, 2]
    _, imported = fetch(catalog, flightsql.get_imported_keys("child", schema="py"))
    assert imported.column("pk_table_name").to_pylist() == ["parent", "parent"]
    assert imported.column("fk_column_name").to_pylist() == ["a", "b"]


def test_xdbc_type_info_filters_by_data_type(catalog):
    _, table = fetch(catalog, flightsql.get_xdbc_type_info(data_type=3))  # java.sql.Types.DECIMAL
    assert table.column("type_name").to_pylist() == ["DECIMAL"]
    assert table.column("create_params").to_pylist() == [["precision", "scale"]]


def test_unknown_table_in_primary_keys_is_not_found(catalog):
    with pytest.raises(flightsql.status_error("NOT_FOUND"), match="no table or view 'missing'"):
        fetch(catalog, flightsql.get_primary_keys("missing", schema="py"))


def test_pattern_ending_in_the_escape_character_is_invalid(catalog):
    with pytest.raises(flightsql.status_error("INVALID_ARGUMENT"), match="escape character"):
        fetch(catalog, flightsql.get_tables(table_pattern="child\\"))


def test_every_kind_of_column_streams_with_the_announced_metadata(catalog):
    sql = ("SELECT 1::TINYINT AS t, 2::UHUGEINT AS uh, 3::HUGEINT AS h, 1.5::DECIMAL(38,10) AS d,"
           " 'a'::ENUM_TYPE_PLACEHOLDER AS e, TIMETZ '12:00:00+02' AS tz, uuid() AS u, INTERVAL 3 DAY AS i,"
           " MAP {'k': 1} AS m, 'x'::BLOB AS b, [[1, 2]] AS ll, {'s': [1.5]} AS st, TIMESTAMPTZ '2020-01-01' AS ts")
    catalog.get_flight_info(flightsql.statement_query("CREATE TYPE mood AS ENUM ('a', 'b')"))
    schema, table = fetch(catalog, flightsql.statement_query(sql.replace("ENUM_TYPE_PLACEHOLDER", "mood")))
    assert table.num_rows == 1
    type_names = {field.name: field.metadata[b"ARROW:FLIGHT:SQL:TYPE_NAME"].decode() for field in schema}
    assert type_names["d"] == "DECIMAL(38,10)"
    assert type_names["e"] == "VARCHAR"  # ENUMs stream as their text
    assert type_names["ll"] == "INTEGER[][]"
    assert type_names["m"] == "MAP(VARCHAR, INTEGER)"
