"""The prepared-statement protocol spoken by hand with pyarrow.flight, as the JDBC driver and ADBC speak it."""
from datetime import date, datetime, time
from decimal import Decimal

import pyarrow as pa
import pyarrow.flight as flight
import pytest

import flightsql as fs


def create(client, sql):
    request = fs.pack("ActionCreatePreparedStatementRequest", fs.field_bytes(1, sql.encode()))
    results = list(client.do_action(flight.Action("CreatePreparedStatement", request)))
    assert len(results) == 1
    name, body = fs.unpack(results[0].body.to_pybytes())
    assert name == "ActionCreatePreparedStatementResult"
    fields = fs.fields(body)
    handle = fields[1]
    dataset = pa.ipc.read_schema(pa.py_buffer(fields[2])) if fields.get(2) else None
    parameters = pa.ipc.read_schema(pa.py_buffer(fields[3])) if fields.get(3) else None
    return handle, dataset, parameters


def close(client, handle):
    request = fs.pack("ActionClosePreparedStatementRequest", fs.field_bytes(1, handle))
    list(client.do_action(flight.Action("ClosePreparedStatement", request)))


def query_descriptor(handle):
    return flight.FlightDescriptor.for_command(fs.pack("CommandPreparedStatementQuery", fs.field_bytes(1, handle)))


def update_descriptor(handle):
    return flight.FlightDescriptor.for_command(fs.pack("CommandPreparedStatementUpdate", fs.field_bytes(1, handle)))


def put(client, descriptor, table):
    writer, reader = client.do_put(descriptor, table.schema)
    if table.num_rows:
        writer.write_table(table)
    writer.done_writing()
    answer = reader.read()
    writer.close()
    return answer


def test_prepared_query_with_bound_parameters(client):
    handle, dataset, parameters = create(client, "SELECT range AS i FROM range(100) WHERE range < ?")
    assert dataset.names == ["i"]
    assert len(parameters) == 1 and parameters.field(0).nullable
    put(client, query_descriptor(handle), pa.table({"p": pa.array([5], pa.int64())}))
    info = client.get_flight_info(query_descriptor(handle))
    table = client.do_get(info.endpoints[0].ticket).read_all()
    assert table.column("i").to_pylist() == [0, 1, 2, 3, 4]
    close(client, handle)


def test_decimal_parameters_are_128_bit(client):
    _, _, parameters = create(client, "SELECT ?::DECIMAL(10,2) + 1 AS x")
    assert parameters.field(0).type == pa.decimal128(10, 2)


def test_prepared_ddl_has_no_dataset_schema_and_runs_once_as_an_update(client):
    handle, dataset, _ = create(client, "CREATE TABLE py_prepared_ddl(i INTEGER)")
    assert dataset is None
    answer = put(client, update_descriptor(handle), pa.table({}))
    name_and_count = fs.fields(answer.to_pybytes())
    assert name_and_count.get(1, 0) == 0
    with fs.expect_status("ALREADY_EXISTS", match="already exists"):
        put(client, update_descriptor(handle), pa.table({}))


def test_one_batch_of_n_rows_is_n_executions_in_one_unit(client):
    client.get_flight_info(flight.FlightDescriptor.for_command("CREATE TABLE py_many(id INTEGER PRIMARY KEY)"))
    handle, _, _ = create(client, "INSERT INTO py_many VALUES (?)")
    answer = put(client, update_descriptor(handle), pa.table({"id": pa.array([1, 2, 3], pa.int32())}))
    assert fs.fields(answer.to_pybytes())[1] == 3
    with fs.expect_status("FAILED_PRECONDITION", match="Duplicate key"):
        put(client, update_descriptor(handle), pa.table({"id": pa.array([4, 5, 1], pa.int32())}))
    info = client.get_flight_info(flight.FlightDescriptor.for_command("SELECT count(*) AS n FROM py_many"))
    assert client.do_get(info.endpoints[0].ticket).read_all().to_pylist() == [{"n": 3}]


def test_a_closed_handle_is_not_found(client):
    handle, _, _ = create(client, "SELECT 1")
    close(client, handle)
    with fs.expect_status("NOT_FOUND", match="prepared statement"):
        client.get_flight_info(query_descriptor(handle))
    with fs.expect_status("NOT_FOUND"):
        close(client, handle)


def test_a_handle_from_nowhere_is_not_found(client):
    with fs.expect_status("NOT_FOUND"):
        client.get_flight_info(query_descriptor(b"forged-handle"))


def test_too_few_parameters_is_invalid_argument(client):
    handle, _, _ = create(client, "SELECT ?::INTEGER AS x")
    with fs.expect_status("INVALID_ARGUMENT", match="parameter"):
        client.get_flight_info(query_descriptor(handle))


def test_a_disconnecting_client_frees_its_stream(bridge):
    first = bridge.client()
    info = first.get_flight_info(flight.FlightDescriptor.for_command(
        "SELECT range, md5(range::VARCHAR) FROM range(1000000000)"))
    reader = first.do_get(info.endpoints[0].ticket)
    reader.read_chunk()
    first.close()
    second = bridge.client()
    info = second.get_flight_info(flight.FlightDescriptor.for_command("SELECT 1 AS ok"))
    assert second.do_get(info.endpoints[0].ticket).read_all().to_pylist() == [{"ok": 1}]
    second.close()


def test_an_update_whose_parameter_duckdb_types_late_is_still_an_update(client):
    # DuckDB reports `range(?)` as an unresolved query until it sees the value; Bridge finds it returns no rows.
    client.get_flight_info(flight.FlightDescriptor.for_command("CREATE TABLE py_late(i BIGINT)"))
    handle, dataset, _ = create(client, "INSERT INTO py_late SELECT range FROM range(?)")
    assert dataset is None
    answer = put(client, update_descriptor(handle), pa.table({"n": pa.array([4], pa.int64())}))
    assert fs.fields(answer.to_pybytes())[1] == 4
    info = client.get_flight_info(flight.FlightDescriptor.for_command("SELECT count(*) AS n FROM py_late"))
    assert client.do_get(info.endpoints[0].ticket).read_all().to_pylist() == [{"n": 4}]


@pytest.mark.parametrize("sql, value, result_type, expected", [
    ("SELECT ? + 1 AS v", pa.array([1], pa.int32()), pa.int32(), 2),
    ("SELECT ? AS v", pa.array([1 << 40], pa.int64()), pa.int64(), 1 << 40),
    ("SELECT ? AS v", pa.array([2.5], pa.float64()), pa.float64(), 2.5),
    ("SELECT ? || '!' AS v", pa.array(["hi"], pa.string()), pa.string(), "hi!"),
    ("SELECT NOT ? AS v", pa.array([True], pa.bool_()), pa.bool_(), False),
    ("SELECT ? AS v", pa.array([b"\x01\x02"], pa.binary()), pa.binary(), b"\x01\x02"),
    ("SELECT ? IS NULL AS v", pa.array([None], pa.null()), pa.bool_(), True),
    ("SELECT ? * 2 AS v", pa.array([Decimal("1.250")], pa.decimal128(10, 3)), pa.decimal128(14, 3), Decimal("2.500")),
    ("SELECT ? + 1 AS v", pa.array([date(2024, 2, 28)], pa.date32()), pa.date32(), date(2024, 2, 29)),
    ("SELECT ? AS v", pa.array([datetime(2024, 2, 29, 12, 30, 0, 123456)], pa.timestamp("us")), pa.timestamp("us"),
     datetime(2024, 2, 29, 12, 30, 0, 123456)),
    ("SELECT ? AS v", pa.array([time(12, 30, 1)], pa.time64("us")), pa.time64("us"), time(12, 30, 1)),
])
def test_an_open_parameter_runs_typed_as_the_client_bound_it(client, sql, value, result_type, expected):
    handle, _, parameters = create(client, sql)
    # Declared for the JDBC driver (its binder needs one type); any type may be bound.
    assert len(parameters) == 1
    put(client, query_descriptor(handle), pa.table({"p": value}))
    info = client.get_flight_info(query_descriptor(handle))
    assert info.schema.field("v").type == result_type
    table = client.do_get(info.endpoints[0].ticket).read_all()
    assert table.column("v").type == result_type
    assert table.column("v").to_pylist() == [expected]
    close(client, handle)


def test_open_parameters_are_declared_as_a_type_duckdb_binds_there(client):
    declared = {sql: create(client, sql)[2].field(0).type
                for sql in ("SELECT ?", "SELECT ? + 1", "SELECT ? + INTERVAL 1 DAY", "SELECT x FROM range(3) t(x) WHERE x > ?")}
    assert declared == {"SELECT ?": pa.string(), "SELECT ? + 1": pa.float64(),
                        "SELECT ? + INTERVAL 1 DAY": pa.timestamp("ms"),
                        "SELECT x FROM range(3) t(x) WHERE x > ?": pa.int64()}


def test_a_dense_union_parameter_binds_each_rows_member_with_its_type(client):
    client.get_flight_info(flight.FlightDescriptor.for_command("CREATE TABLE py_union(v VARCHAR, t VARCHAR)"))
    handle, _, _ = create(client, "INSERT INTO py_union VALUES (?::VARCHAR, typeof(?))")
    types = pa.array([0, 1, 0], pa.int8())
    offsets = pa.array([0, 0, 1], pa.int32())
    values = pa.UnionArray.from_dense(types, offsets, [pa.array([7, 8], pa.int64()), pa.array(["x"], pa.string())])
    answer = put(client, update_descriptor(handle), pa.table({"a": values, "b": values}))
    assert fs.fields(answer.to_pybytes())[1] == 3
    info = client.get_flight_info(flight.FlightDescriptor.for_command("SELECT v, t FROM py_union ORDER BY v"))
    assert client.do_get(info.endpoints[0].ticket).read_all().to_pylist() == [
        {"v": "7", "t": "BIGINT"}, {"v": "8", "t": "BIGINT"}, {"v": "x", "t": "VARCHAR"}]


def test_open_parameters_that_meet_are_declared_one_type_they_take_together(client):
    _, _, parameters = create(client, "SELECT ? + ? AS v")
    assert parameters.types == [pa.float64(), pa.float64()]


@pytest.mark.parametrize("value, expected", [
    (pa.array([Decimal("1.5")], pa.decimal128(4, 1)), Decimal("3.00")),
    (pa.array([Decimal("1.255")], pa.decimal128(5, 3)), Decimal("2.52")),
    (pa.array([2], pa.int32()), Decimal("4.00")),
    (pa.array(["1.5"], pa.string()), Decimal("3.00")),
])
def test_a_typed_decimal_parameter_takes_any_scale_or_type_duckdb_casts_to_it(client, value, expected):
    # Declared DECIMAL(12,2) exactly; a client that builds its own batch binds another scale (DuckDB rounds it to
    # the declared scale, 1.255 -> 1.26) or another type.
    handle, _, parameters = create(client, "SELECT CAST(? AS DECIMAL(12,2)) * 2 AS v")
    assert parameters.field(0).type == pa.decimal128(12, 2)
    put(client, query_descriptor(handle), pa.table({"p": value}))
    info = client.get_flight_info(query_descriptor(handle))
    assert client.do_get(info.endpoints[0].ticket).read_all().column("v").to_pylist() == [expected]
    close(client, handle)


def run_with(client, sql, parameters):
    handle, _, _ = create(client, sql)
    try:
        put(client, query_descriptor(handle), parameters)
        info = client.get_flight_info(query_descriptor(handle))
        return client.do_get(info.endpoints[0].ticket).read_all()
    finally:
        close(client, handle)


@pytest.mark.parametrize("sql, value, result_type", [
    ("SELECT ? + INTERVAL 1 DAY AS v", pa.array([None], pa.timestamp("ms")), pa.timestamp("us")),
    ("SELECT ? + INTERVAL 1 DAY AS v", pa.array([None], pa.date32()), pa.timestamp("us")),
    ("SELECT ? + INTERVAL 1 DAY AS v", pa.array([None], pa.time64("us")), pa.time64("us")),
    ("SELECT octet_length(?) AS v", pa.array([None], pa.binary()), pa.int64()),
    ("SELECT ? AS v", pa.array([None], pa.int32()), pa.int32()),
    ("SELECT ? AS v", pa.array([None], pa.decimal128(12, 2)), pa.decimal128(12, 2)),
])
def test_a_null_where_duckdb_leaves_the_type_open_runs_typed_as_the_client_bound_it(client, sql, value, result_type):
    # DuckDB's JDBC binding sends a NULL untyped; the server casts the open parameter to the Arrow column's type, so
    # `? + INTERVAL 1 DAY` picks the function of the bound type and `SELECT ?` answers a NULL of that type.
    table = run_with(client, sql, pa.table({"p": value}))
    assert table.schema.field("v").type == result_type
    assert table.column("v").to_pylist() == [None]


def test_typed_nulls_and_values_in_one_statement_each_keep_their_type(client):
    table = run_with(client, "SELECT ? + INTERVAL 1 DAY AS a, ? AS b, typeof(?) AS c",
                     pa.table({"a": pa.array([None], pa.timestamp("us")), "b": pa.array([7], pa.int16()),
                               "c": pa.array([None], pa.string())}))
    assert table.to_pylist() == [{"a": None, "b": 7, "c": "VARCHAR"}]


def test_a_null_of_a_type_the_open_position_cannot_take_is_refused_naming_the_bound_type(client):
    # The client's column decides: a string NULL in `? + INTERVAL 1 DAY` is a VARCHAR, which has no `+ INTERVAL`.
    with pytest.raises(pa.ArrowInvalid, match=r"\+\(VARCHAR, INTERVAL\)"):
        run_with(client, "SELECT ? + INTERVAL 1 DAY AS v", pa.table({"p": pa.array([None], pa.string())}))


def test_a_null_whose_arrow_type_duckdb_has_no_type_for_is_refused_naming_it(client):
    # Run-end encoding is an Arrow layout DuckDB has no type for: the server cannot say what the NULL is.
    nulls = pa.RunEndEncodedArray.from_arrays(pa.array([1], pa.int32()), pa.array([None], pa.int64()))
    with pytest.raises(pa.ArrowInvalid, match="parameter 1 is a NULL of Arrow type RunEndEncoded.*which has no"
                                              " DuckDB type"):
        run_with(client, "SELECT ? + INTERVAL 1 DAY AS v", pa.table({"p": nulls}))


def test_a_null_in_a_null_typed_column_has_no_type_and_gets_duckdbs_hint(client):
    # Arrow's Null type says nothing about the value's type: DuckDB cannot choose a function and advises a CAST.
    with pytest.raises(pa.ArrowInvalid, match="add explicit type casts"):
        run_with(client, "SELECT ? + INTERVAL 1 DAY AS v", pa.table({"p": pa.array([None], pa.null())}))


def sql_rows(client, sql):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql))
    return client.do_get(info.endpoints[0].ticket).read_all().to_pylist()


def update_with(client, sql, parameters):
    handle, _, _ = create(client, sql)
    try:
        return fs.fields(put(client, update_descriptor(handle), parameters).to_pybytes()).get(1, 0)
    finally:
        close(client, handle)


def test_typed_nulls_in_open_positions_of_insert_update_and_delete_run_typed_row_by_row(client):
    # DuckDB serializes only SELECTs, so these run through DuckDB's own PREPARE and EXECUTE with the NULL cast to
    # the column's type; the batch mixes rows that need it with rows that run as usual, in one unit.
    client.get_flight_info(flight.FlightDescriptor.for_command(
        "CREATE TABLE py_typed_dml(id INTEGER, ts TIMESTAMP, b BLOB, note VARCHAR, n BIGINT)"))
    inserted = update_with(client, "INSERT INTO py_typed_dml VALUES (?, ? + INTERVAL 1 DAY, ?, ?, NULL)",
                           pa.table({"id": pa.array([1, 2, 3, 4], pa.int32()),
                                     "ts": pa.array([datetime(2024, 3, 1), None, datetime(2024, 3, 2), None],
                                                    pa.timestamp("us")),
                                     "b": pa.array([b"abc", None, None, b"\x00'\xff"], pa.binary()),
                                     "note": pa.array(["it's", None, "x", "\u00e9"], pa.string())}))
    assert inserted == 4
    assert sql_rows(client, "SELECT * FROM py_typed_dml ORDER BY id") == [
        {"id": 1, "ts": datetime(2024, 3, 2), "b": b"abc", "note": "it's", "n": None},
        {"id": 2, "ts": None, "b": None, "note": None, "n": None},
        {"id": 3, "ts": datetime(2024, 3, 3), "b": None, "note": "x", "n": None},
        {"id": 4, "ts": None, "b": b"\x00'\xff", "note": "\u00e9", "n": None}]
    updated = update_with(client, "UPDATE py_typed_dml SET n = octet_length(?) WHERE id = ?",
                          pa.table({"b": pa.array([None, b"four"], pa.large_binary()),
                                    "id": pa.array([1, 3], pa.int64())}))
    assert updated == 2
    assert sql_rows(client, "SELECT id, n FROM py_typed_dml WHERE id IN (1, 3) ORDER BY id") == [
        {"id": 1, "n": None}, {"id": 3, "n": 4}]
    deleted = update_with(client, "DELETE FROM py_typed_dml WHERE ts = ? + INTERVAL 1 DAY OR id = ?",
                          pa.table({"ts": pa.array([None], pa.date32()), "id": pa.array([4], pa.int32())}))
    assert deleted == 1
    assert [row["id"] for row in sql_rows(client, "SELECT id FROM py_typed_dml ORDER BY id")] == [1, 2, 3]


def test_insert_returning_with_a_typed_null_in_an_open_position_streams_the_inserted_row(client):
    client.get_flight_info(flight.FlightDescriptor.for_command(
        "CREATE TABLE py_typed_returning(id INTEGER, ts TIMESTAMP)"))
    table = run_with(client, "INSERT INTO py_typed_returning VALUES (?, ? + INTERVAL 1 DAY) RETURNING id, ts",
                     pa.table({"id": pa.array([5], pa.int32()), "ts": pa.array([None], pa.date32())}))
    assert table.to_pylist() == [{"id": 5, "ts": None}]
    assert sql_rows(client, "SELECT * FROM py_typed_returning") == [{"id": 5, "ts": None}]


def test_typed_nulls_that_cannot_run_are_refused_naming_the_bound_type_and_a_failing_batch_applies_no_row(client):
    client.get_flight_info(flight.FlightDescriptor.for_command(
        "CREATE TABLE py_typed_refused(id INTEGER PRIMARY KEY, ts TIMESTAMP)"))
    sql = "INSERT INTO py_typed_refused VALUES (?, ? + INTERVAL 1 DAY)"
    # The client's column decides: a string NULL is a VARCHAR, which has no `+ INTERVAL`.
    with fs.expect_status("INVALID_ARGUMENT", match=r"\+\(VARCHAR, INTERVAL\)"):
        update_with(client, sql, pa.table({"id": pa.array([1], pa.int32()), "ts": pa.array([None], pa.string())}))
    # Arrow's Null type says nothing about the value's type: DuckDB advises a CAST.
    with fs.expect_status("INVALID_ARGUMENT", match="add explicit type casts"):
        update_with(client, sql, pa.table({"id": pa.array([2], pa.int32()), "ts": pa.array([None], pa.null())}))
    nulls = pa.RunEndEncodedArray.from_arrays(pa.array([1], pa.int32()), pa.array([None], pa.int64()))
    with fs.expect_status("INVALID_ARGUMENT", match="parameter 2 is a NULL of Arrow type RunEndEncoded.*which has"
                                                    " no DuckDB type"):
        update_with(client, sql, pa.table({"id": pa.array([3], pa.int32()), "ts": nulls}))
    # Rows run as usual and rows run through EXECUTE form one unit: the duplicate key undoes the rows before it.
    with fs.expect_status("FAILED_PRECONDITION", match='duplicate key "4"'):
        update_with(client, sql, pa.table({"id": pa.array([4, 5, 4], pa.int32()),
                                           "ts": pa.array([date(2024, 1, 1), None, None], pa.date32())}))
    assert sql_rows(client, "SELECT count(*) AS n FROM py_typed_refused") == [{"n": 0}]


# ---- Planning inside the client's transaction -------------------------------------------------------------------------

def create_in(client, sql, transaction_id):
    request = fs.pack("ActionCreatePreparedStatementRequest",
                      fs.field_bytes(1, sql.encode()) + fs.field_bytes(2, transaction_id))
    results = list(client.do_action(flight.Action("CreatePreparedStatement", request)))
    _, body = fs.unpack(results[0].body.to_pybytes())
    return fs.fields(body)[1]


def update_in(client, sql, transaction_id):
    return fs.fields(put(client, fs.statement_update_in(sql, transaction_id), pa.table({})).to_pybytes()).get(1, 0)


def prepare_and_run_open_parameters_in(client, table, txn):
    # Each statement leaves a parameter open that only some candidate types fit (`? + INTERVAL 1 DAY` refuses a
    # VARCHAR, `octet_length(?)` refuses all but BLOB): the server's planning tries candidates that DuckDB refuses.
    handle = create_in(client, "SELECT ? + INTERVAL 1 DAY AS v", txn)
    put(client, query_descriptor(handle), pa.table({"p": pa.array([datetime(2024, 3, 1)], pa.timestamp("us"))}))
    info = client.get_flight_info(query_descriptor(handle))
    assert client.do_get(info.endpoints[0].ticket).read_all().column("v").to_pylist() == [datetime(2024, 3, 2)]
    close(client, handle)
    handle = create_in(client, f"UPDATE {table} SET n = octet_length(?) WHERE id = ?", txn)
    assert fs.fields(put(client, update_descriptor(handle), pa.table({
        "b": pa.array([b"four"], pa.binary()), "id": pa.array([1], pa.int32())})).to_pybytes()).get(1, 0) == 1
    close(client, handle)
    handle = create_in(client, f"INSERT INTO {table} VALUES (?, ? + INTERVAL 1 DAY, NULL)", txn)
    assert fs.fields(put(client, update_descriptor(handle), pa.table({
        "id": pa.array([2], pa.int32()), "ts": pa.array([None], pa.timestamp("us"))})).to_pybytes()).get(1, 0) == 1
    close(client, handle)


def test_preparing_open_parameters_inside_a_transaction_keeps_its_writes(bridge):
    # DuckDB aborts a transaction at any failed statement: planning must not fail statements inside the client's.
    with bridge.client() as one, bridge.client() as other:
        one.get_flight_info(flight.FlightDescriptor.for_command(
            "CREATE TABLE py_txn_open(id INTEGER, ts TIMESTAMP, n BIGINT)"))
        txn = fs.begin_transaction(one)
        assert update_in(one, "INSERT INTO py_txn_open VALUES (1, NULL, NULL)", txn) == 1
        prepare_and_run_open_parameters_in(one, "py_txn_open", txn)
        assert update_in(one, "INSERT INTO py_txn_open VALUES (3, NULL, NULL)", txn) == 1
        assert sql_rows(other, "SELECT count(*) AS c FROM py_txn_open") == [{"c": 0}]
        fs.end_transaction(one, txn, "COMMIT")
        assert sql_rows(other, "SELECT id, ts, n FROM py_txn_open ORDER BY id") == [
            {"id": 1, "ts": None, "n": 4}, {"id": 2, "ts": None, "n": None}, {"id": 3, "ts": None, "n": None}]


def test_an_open_parameter_on_a_table_the_transaction_created_is_refused_and_the_transaction_kept(bridge):
    # Candidate types are tried on another connection, which does not see the transaction's new table; trying them
    # on the transaction's own would abort it. The server refuses before trying, and a CAST then runs.
    with bridge.client() as one, bridge.client() as other:
        txn = fs.begin_transaction(one)
        update_in(one, "CREATE TABLE py_txn_new(id INTEGER, ts TIMESTAMP, n BIGINT)", txn)
        assert update_in(one, "INSERT INTO py_txn_new VALUES (1, NULL, NULL)", txn) == 1
        for sql in ["UPDATE py_txn_new SET n = octet_length(?) WHERE id = ?",
                    "INSERT INTO py_txn_new VALUES (?, ? + INTERVAL 1 DAY, NULL)",
                    "SELECT id + 0 * octet_length(?) AS v FROM py_txn_new"]:
            with pytest.raises(fs.status_error("FAILED_PRECONDITION"),
                               match=r"type of parameter [12] .*created or changed in the open transaction.*CAST"):
                create_in(one, sql, txn)
        handle = create_in(one, "UPDATE py_txn_new SET n = octet_length(CAST(? AS BLOB)) WHERE id = ?", txn)
        assert fs.fields(put(one, update_descriptor(handle), pa.table({
            "b": pa.array([b"four"], pa.binary()), "id": pa.array([1], pa.int32())})).to_pybytes()).get(1, 0) == 1
        close(one, handle)
        # A query on the new table is described on the transaction's connection, without any refused trial.
        info = one.get_flight_info(fs.statement_query_in("SELECT id, n FROM py_txn_new", txn))
        assert one.do_get(info.endpoints[0].ticket).read_all().to_pylist() == [{"id": 1, "n": 4}]
        assert update_in(one, "INSERT INTO py_txn_new VALUES (2, NULL, NULL)", txn) == 1
        fs.end_transaction(one, txn, "COMMIT")
        assert sql_rows(other, "SELECT id, n FROM py_txn_new ORDER BY id") == [
            {"id": 1, "n": 4}, {"id": 2, "n": None}]


def test_a_statement_that_cannot_be_wrapped_inside_a_transaction_keeps_its_writes(bridge):
    # The server learns a result's schema from the query wrapped in a LIMIT 0 subquery; a PRAGMA refuses the wrapper,
    # which inside the transaction would abort it.
    with bridge.client() as one, bridge.client() as other:
        one.get_flight_info(flight.FlightDescriptor.for_command("CREATE TABLE py_txn_pragma(id INTEGER)"))
        txn = fs.begin_transaction(one)
        assert update_in(one, "INSERT INTO py_txn_pragma VALUES (1)", txn) == 1
        info = one.get_flight_info(fs.statement_query_in("PRAGMA table_info('py_txn_pragma')", txn))
        assert one.do_get(info.endpoints[0].ticket).read_all().column("name").to_pylist() == ["id"]
        fs.end_transaction(one, txn, "COMMIT")
        assert sql_rows(other, "SELECT id FROM py_txn_pragma") == [{"id": 1}]
