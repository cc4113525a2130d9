"""Bulk ingest (Flight SQL CommandStatementIngest and plain path DoPut) and transactions, through pyarrow.flight."""
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid

import pyarrow as pa
import pyarrow.flight as flight
import pytest

import flightsql
from conftest import BridgeProcess


def unique(prefix="t"):
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def table_of(n, start=0):
    return pa.table({"id": pa.array(range(start, start + n), pa.int64()),
                     "name": pa.array([f"n{i}" for i in range(start, start + n)], pa.string())})


def put(client, descriptor, table, options=None, batch_rows=None):
    writer, reader = client.do_put(descriptor, table.schema, options=options)
    for batch in table.to_batches(max_chunksize=batch_rows):
        writer.write_batch(batch)
    return flightsql.finish_put(writer, reader)


def ingest(client, name, table, **kwargs):
    return put(client, flightsql.statement_ingest(name, **kwargs), table)


def query(client, sql):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql))
    return client.do_get(info.endpoints[0].ticket).read_all()


def execute(client, sql):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql))
    client.do_get(info.endpoints[0].ticket).read_all()


def count(client, name):
    return query(client, f"SELECT count(*) AS c FROM {name}").column("c")[0].as_py()


def exists(client, name):
    return count(client, f"duckdb_tables() WHERE table_name = '{name}'") > 0


# ---- Table definition modes -----------------------------------------------------------------------------------------

def test_create_writes_every_row(client):
    name = unique()
    assert ingest(client, name, table_of(1000), mode="create") == 1000
    assert query(client, f"SELECT * FROM {name} ORDER BY id") == table_of(1000)


def test_create_on_an_existing_table_is_already_exists_and_changes_nothing(client):
    name = unique()
    ingest(client, name, table_of(3), mode="create")
    with pytest.raises(flightsql.status_error("ALREADY_EXISTS"), match="already exists"):
        ingest(client, name, table_of(5), mode="create")
    assert count(client, name) == 3


def test_append_to_a_missing_table_is_not_found(client):
    name = unique()
    with pytest.raises(flightsql.status_error("NOT_FOUND"), match="does not exist"):
        ingest(client, name, table_of(3), mode="append")
    assert not exists(client, name)


def test_append_adds_rows(client):
    name = unique()
    ingest(client, name, table_of(3), mode="create")
    assert ingest(client, name, table_of(4, start=3), mode="append") == 4
    assert query(client, f"SELECT * FROM {name} ORDER BY id") == table_of(7)


def test_replace_drops_and_recreates_or_creates(client):
    name = unique()
    assert ingest(client, name, table_of(2), mode="replace") == 2
    other = pa.table({"x": pa.array([1.5], pa.float64())})
    assert ingest(client, name, other, mode="replace") == 1
    assert query(client, f"SELECT * FROM {name}") == other


def test_create_append_creates_then_appends(client):
    name = unique()
    assert ingest(client, name, table_of(2), mode="create_append") == 2
    assert ingest(client, name, table_of(2, start=2), mode="create_append") == 2
    assert count(client, name) == 4


def test_fail_fail_refuses_both_ways(client):
    name = unique()
    with pytest.raises(flightsql.status_error("NOT_FOUND")):
        ingest(client, name, table_of(1), if_not_exist="FAIL", if_exists="FAIL")
    ingest(client, name, table_of(1), mode="create")
    with pytest.raises(flightsql.status_error("ALREADY_EXISTS")):
        ingest(client, name, table_of(1), if_not_exist="FAIL", if_exists="FAIL")


def test_replace_only_existing(client):
    name = unique()
    with pytest.raises(flightsql.status_error("NOT_FOUND")):
        ingest(client, name, table_of(1), if_not_exist="FAIL", if_exists="REPLACE")
    ingest(client, name, table_of(5), mode="create")
    assert ingest(client, name, table_of(2), if_not_exist="FAIL", if_exists="REPLACE") == 2
    assert count(client, name) == 2


@pytest.mark.parametrize("if_not_exist,if_exists", [("UNSPECIFIED", "FAIL"), ("CREATE", "UNSPECIFIED")])
def test_unspecified_options_are_invalid(client, if_not_exist, if_exists):
    name = unique()
    with pytest.raises(flightsql.status_error("INVALID_ARGUMENT"), match="if_not_exist|if_exists"):
        ingest(client, name, table_of(1), if_not_exist=if_not_exist, if_exists=if_exists)
    assert not exists(client, name)


def test_missing_table_definition_is_invalid(client):
    with pytest.raises(flightsql.status_error("INVALID_ARGUMENT"), match="table_definition_options"):
        ingest(client, unique(), table_of(1), definition=False)


def test_unknown_option_is_rejected(client):
    name = unique()
    with pytest.raises(flightsql.status_error("INVALID_ARGUMENT"), match="unknown ingest option.*batch_size"):
        ingest(client, name, table_of(1), mode="create", options={"batch_size": "10"})
    assert not exists(client, name)


def test_empty_stream_creates_an_empty_table(client):
    name = unique()
    assert ingest(client, name, table_of(0), mode="create") == 0
    assert query(client, f"SELECT * FROM {name}").schema == table_of(0).schema


def test_types_round_trip(client):
    name = unique()
    data = pa.table({
        "b": pa.array([True, None]), "i8": pa.array([1, -2], pa.int8()), "u32": pa.array([1, 2], pa.uint32()),
        "f": pa.array([1.5, None], pa.float32()), "d": pa.array([1, 2], pa.date32()),
        "ts": pa.array([1, 2], pa.timestamp("us")), "dec": pa.array([1, 2], pa.decimal128(10, 2)),
        "l": pa.array([[1, 2], None], pa.list_(pa.int32())), "bin": pa.array([b"x", b"y"]),
    })
    ingest(client, name, data, mode="create")
    # Unsigned integers land as DuckDB's UINTEGER and are read back widened to int64 (see the README's type table).
    expected = data.set_column(2, "u32", data.column("u32").cast(pa.int64()))
    assert query(client, f"SELECT * FROM {name}") == expected


# ---- Schema mismatch and constraints: the table is left as it was -----------------------------------------------

def test_type_mismatch_names_the_column(client):
    name = unique()
    ingest(client, name, table_of(3), mode="create")
    bad = pa.table({"id": pa.array(["x"]), "name": pa.array(["y"])})
    with pytest.raises(flightsql.status_error("INVALID_ARGUMENT"), match="column 'id'.*BIGINT.*VARCHAR"):
        ingest(client, name, bad, mode="append")
    assert count(client, name) == 3


def test_unknown_column_names_the_column(client):
    name = unique()
    ingest(client, name, table_of(3), mode="create")
    bad = pa.table({"id": pa.array([9], pa.int64()), "colour": pa.array(["red"])})
    with pytest.raises(flightsql.status_error("INVALID_ARGUMENT"), match="column 'colour'"):
        ingest(client, name, bad, mode="create_append")
    assert count(client, name) == 3


def test_constraint_violation_in_a_later_batch_rolls_everything_back(client):
    name = unique()
    execute(client, f"CREATE TABLE {name} (id BIGINT PRIMARY KEY, name VARCHAR)")
    ingest(client, name, table_of(2), mode="append")
    data = table_of(50_000, start=2)
    duplicate = pa.concat_tables([data, table_of(1)])  # id 0 again, in the last batch
    with pytest.raises(flightsql.status_error("FAILED_PRECONDITION"), match="precondition failed.*[Cc]onstraint"):
        put(client, flightsql.statement_ingest(name, mode="append"), duplicate, batch_rows=10_000)
    assert count(client, name) == 2


def test_not_null_violation_leaves_the_table(client):
    name = unique()
    execute(client, f"CREATE TABLE {name} (id BIGINT NOT NULL, name VARCHAR)")
    data = pa.table({"id": pa.array([1, None], pa.int64()), "name": pa.array(["a", "b"])})
    with pytest.raises(flightsql.status_error("FAILED_PRECONDITION"), match="precondition failed.*(NOT NULL|not null)"):
        ingest(client, name, data, mode="append")
    assert count(client, name) == 0


def test_invalid_utf8_in_a_later_batch_is_refused_and_rolls_back(client):
    # pyarrow builds string arrays from raw buffers without checking them; DuckDB would store the bytes unchecked.
    name = unique()
    ingest(client, name, table_of(2), mode="create")
    offsets = pa.py_buffer(pa.array([0, 2, 5], pa.int32()).buffers()[1])
    bad = pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer(b"ok\xe2\x28\xa1")])
    data = pa.concat_tables([table_of(20_000, start=2),
                             pa.table({"id": pa.array([7, 8], pa.int64()), "name": bad})])
    with pytest.raises(flightsql.status_error("INVALID_ARGUMENT"), match="column name: row 1 is not valid UTF-8"):
        put(client, flightsql.statement_ingest(name, mode="append"), data, batch_rows=10_000)
    assert count(client, name) == 2


# ---- Catalog, schema, temporary -------------------------------------------------------------------------------------

def test_schema_and_catalog_are_honoured(client):
    schema = unique("s")
    execute(client, f"CREATE SCHEMA {schema}")
    name = unique()
    ingest(client, name, table_of(2), mode="create", schema=schema, catalog="memory")
    assert count(client, f"memory.{schema}.{name}") == 2
    assert not exists(client, name) or count(client, f"duckdb_tables() WHERE table_name = '{name}'"
                                                      f" AND schema_name = 'main'") == 0


def test_missing_schema_is_not_found(client):
    with pytest.raises(flightsql.status_error("NOT_FOUND"), match="(?i)schema"):
        ingest(client, unique(), table_of(1), mode="create", schema=unique("nope"))


def test_temporary_table_is_repeatable_and_private_to_the_session(bridge):
    with bridge.client() as one, bridge.client() as two:
        name = unique()
        assert ingest(one, name, table_of(3), mode="create", temporary=True) == 3
        assert ingest(one, name, table_of(2), mode="replace", temporary=True) == 2
        assert ingest(one, name, table_of(2), mode="append", temporary=True) == 2
        assert count(one, f"temp.main.{name}") == 4
        assert ingest(two, name, table_of(1), mode="create", temporary=True) == 1
        assert count(two, name) == 1


def test_temporary_table_refuses_another_schema(client):
    with pytest.raises(flightsql.status_error("INVALID_ARGUMENT"), match="temporary"):
        ingest(client, unique(), table_of(1), mode="create", temporary=True, schema="other")


# ---- Plain Flight DoPut with a path --------------------------------------------------------------------------------

def test_path_put_creates_then_appends(client):
    name = unique()
    assert put(client, flight.FlightDescriptor.for_path(name), table_of(10)) == 10
    assert put(client, flight.FlightDescriptor.for_path(name), table_of(5, start=10)) == 5
    assert query(client, f"SELECT * FROM {name} ORDER BY id") == table_of(15)


def test_path_put_with_schema(client):
    schema = unique("s")
    execute(client, f"CREATE SCHEMA {schema}")
    name = unique()
    put(client, flight.FlightDescriptor.for_path(schema, name), table_of(4))
    assert count(client, f"{schema}.{name}") == 4


def test_path_put_with_too_many_parts_is_invalid(client):
    with pytest.raises(flightsql.status_error("INVALID_ARGUMENT"), match="path"):
        put(client, flight.FlightDescriptor.for_path("a", "b", "c", "d"), table_of(1))


def test_path_put_mismatch_is_invalid(client):
    name = unique()
    put(client, flight.FlightDescriptor.for_path(name), table_of(1))
    with pytest.raises(flightsql.status_error("INVALID_ARGUMENT"), match="column 'id'"):
        put(client, flight.FlightDescriptor.for_path(name), pa.table({"id": pa.array([1.0])}))


# ---- Compressed IPC bodies ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("codec", ["zstd", "lz4"])
def test_compressed_bodies_are_accepted(client, codec):
    name = unique()
    options = flight.FlightCallOptions(write_options=pa.ipc.IpcWriteOptions(compression=codec))
    data = table_of(100_000)
    assert put(client, flightsql.statement_ingest(name, mode="create"), data, options=options) == 100_000
    assert query(client, f"SELECT * FROM {name} ORDER BY id") == data
    assert put(client, flight.FlightDescriptor.for_path(name), table_of(5), options=options) == 5


# ---- A client that vanishes mid-stream -----------------------------------------------------------------------------

KILLED_WRITER = textwrap.dedent("""
    import sys, time
    import pyarrow as pa, pyarrow.flight as flight
    sys.path.insert(0, sys.argv[3])
    import flightsql
    client = flight.connect(sys.argv[1])
    batch = pa.record_batch({"id": pa.array(range(10000), pa.int64()),
                             "name": pa.array(["x"] * 10000)})
    descriptor = (flight.FlightDescriptor.for_path(sys.argv[2]) if len(sys.argv) > 4
                  else flightsql.statement_ingest(sys.argv[2], mode="create_append"))
    writer, _ = client.do_put(descriptor, batch.schema)
    for _ in range(20):
        writer.write_batch(batch)
    print("sent", flush=True)
    time.sleep(600)
""")


def kill_writer_mid_stream(bridge, name, path=False):
    args = [sys.executable, "-c", KILLED_WRITER, bridge.uri, name, os.path.dirname(__file__)]
    if path:
        args.append("path")
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "sent"
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def wait_until_writable(client, name, rows):
    """Creating or appending from another session succeeds once the killed ingest's transaction is gone."""
    deadline = time.time() + 20
    while True:
        try:
            return ingest(client, name, table_of(rows), mode="create_append")
        except flight.FlightError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)


def test_killed_client_leaves_no_table_behind(bridge, client):
    name = unique()
    kill_writer_mid_stream(bridge, name)
    assert wait_until_writable(client, name, 1) == 1
    assert f"ingest into {name} failed; rolled back" in bridge.log()
    assert count(client, name) == 1


@pytest.mark.parametrize("path", [False, True])
def test_killed_client_leaves_the_table_unchanged(bridge, client, path):
    name = unique()
    ingest(client, name, table_of(7), mode="create")
    kill_writer_mid_stream(bridge, name, path)
    deadline = time.time() + 20
    while f"ingest into {name} failed; rolled back" not in bridge.log():
        assert time.time() < deadline, bridge.log()
        time.sleep(0.2)
    assert count(client, name) == 7


# ---- Transactions ---------------------------------------------------------------------------------------------------

def test_ingest_in_a_transaction_commits(bridge):
    with bridge.client() as one, bridge.client() as other:
        name = unique()
        txn = flightsql.begin_transaction(one)
        assert ingest(one, name, table_of(5), mode="create", transaction_id=txn) == 5
        assert not exists(other, name)
        assert count(one, name) == 5
        flightsql.end_transaction(one, txn, "COMMIT")
        assert count(other, name) == 5


def test_ingest_in_a_transaction_rolls_back(bridge):
    with bridge.client() as one:
        name = unique()
        ingest(one, name, table_of(3), mode="create")
        txn = flightsql.begin_transaction(one)
        ingest(one, name, table_of(5), mode="append", transaction_id=txn)
        put(one, flightsql.statement_update_in(f"DELETE FROM {name} WHERE id = 0", txn), pa.table({}))
        flightsql.end_transaction(one, txn, "ROLLBACK")
        assert count(one, name) == 3


def test_ingest_without_id_joins_the_open_transaction(bridge):
    with bridge.client() as one:
        name = unique()
        txn = flightsql.begin_transaction(one)
        ingest(one, name, table_of(5), mode="create")
        flightsql.end_transaction(one, txn, "ROLLBACK")
        assert not exists(one, name)


def test_statement_with_transaction_id_runs_inside_it(bridge):
    with bridge.client() as one, bridge.client() as other:
        name = unique()
        ingest(one, name, table_of(3), mode="create")
        txn = flightsql.begin_transaction(one)
        info = one.get_flight_info(flightsql.statement_query_in(f"DELETE FROM {name}", txn))
        one.do_get(info.endpoints[0].ticket).read_all()
        assert count(one, name) == 0
        assert count(other, name) == 3
        flightsql.end_transaction(one, txn, "COMMIT")
        assert count(other, name) == 0


def test_unknown_and_finished_transaction_ids_are_not_found(bridge):
    with bridge.client() as one, bridge.client() as other:
        name = unique()
        with pytest.raises(flightsql.status_error("NOT_FOUND"), match="transaction"):
            ingest(one, name, table_of(1), mode="create", transaction_id=b"nope")
        with pytest.raises(flightsql.status_error("NOT_FOUND"), match="transaction"):
            flightsql.end_transaction(one, b"nope", "COMMIT")
        with pytest.raises(flightsql.status_error("NOT_FOUND"), match="transaction"):
            one.get_flight_info(flightsql.statement_query_in("SELECT 1", b"nope"))
        txn = flightsql.begin_transaction(one)
        with pytest.raises(flightsql.status_error("NOT_FOUND"), match="transaction"):
            ingest(other, name, table_of(1), mode="create", transaction_id=txn)
        flightsql.end_transaction(one, txn, "COMMIT")
        with pytest.raises(flightsql.status_error("NOT_FOUND"), match="transaction"):
            flightsql.end_transaction(one, txn, "ROLLBACK")
        with pytest.raises(flightsql.status_error("NOT_FOUND"), match="transaction"):
            put(one, flightsql.statement_update_in("SELECT 1", txn), pa.table({}))
        assert not exists(one, name)


def test_nested_begin_is_refused(bridge):
    with bridge.client() as one:
        txn = flightsql.begin_transaction(one)
        with pytest.raises(flightsql.status_error("FAILED_PRECONDITION"), match="already has an open transaction"):
            flightsql.begin_transaction(one)
        flightsql.end_transaction(one, txn, "ROLLBACK")


def test_end_transaction_needs_an_action(bridge):
    with bridge.client() as one:
        txn = flightsql.begin_transaction(one)
        with pytest.raises(flightsql.status_error("INVALID_ARGUMENT"), match="COMMIT or ROLLBACK"):
            flightsql.end_transaction(one, txn, "UNSPECIFIED")
        flightsql.end_transaction(one, txn, "ROLLBACK")


def test_savepoints_are_unimplemented(bridge):
    with bridge.client() as one:
        txn = flightsql.begin_transaction(one)
        with pytest.raises(flightsql.status_error("UNIMPLEMENTED"), match="savepoint"):
            flightsql.begin_savepoint(one, txn, "sp")
        flightsql.end_transaction(one, txn, "ROLLBACK")


def test_conflicting_writers_get_aborted_not_a_hang(bridge):
    with bridge.client() as one, bridge.client() as two:
        name = unique()
        ingest(one, name, table_of(10), mode="create")
        t1 = flightsql.begin_transaction(one)
        t2 = flightsql.begin_transaction(two)
        put(one, flightsql.statement_update_in(f"UPDATE {name} SET name = 'one' WHERE id = 1", t1), pa.table({}))
        with pytest.raises(flightsql.status_error("ABORTED"), match="aborted error.*Conflict"):
            put(two, flightsql.statement_update_in(f"UPDATE {name} SET name = 'two' WHERE id = 1", t2), pa.table({}))
        flightsql.end_transaction(one, t1, "COMMIT")
        flightsql.end_transaction(two, t2, "ROLLBACK")
        assert query(one, f"SELECT name FROM {name} WHERE id = 1").column(0).to_pylist() == ["one"]


def test_concurrent_ingests_into_one_table_all_land_or_abort(bridge):
    name = unique()
    with bridge.client() as setup:
        ingest(setup, name, table_of(0), mode="create")
    results = []

    def writer(start):
        with bridge.client() as c:
            try:
                results.append(ingest(c, name, table_of(20_000, start=start), mode="append"))
            except flightsql.status_error("ABORTED") as e:
                results.append(str(e))

    threads = [threading.Thread(target=writer, args=(i * 20_000,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    landed = [r for r in results if isinstance(r, int)]
    assert all(isinstance(r, int) or "onflict" in r for r in results), results
    with bridge.client() as check:
        assert count(check, name) == sum(landed)


# ---- Idle transactions and durability (their own server processes) -------------------------------------------------

def test_idle_transaction_is_rolled_back(tmp_path):
    config = tmp_path / "bridge.yaml"
    config.write_text("sessions:\n  transaction_idle_timeout: 2s\n")
    server = BridgeProcess(":memory:", ["--config", str(config)])
    try:
        with server.client() as one:
            name = unique()
            txn = flightsql.begin_transaction(one)
            ingest(one, name, table_of(5), mode="create", transaction_id=txn)
            time.sleep(5)
            with pytest.raises(flightsql.status_error("NOT_FOUND"), match="transaction"):
                flightsql.end_transaction(one, txn, "COMMIT")
            assert not exists(one, name)
            assert "rolled back transaction" in server.log()
    finally:
        server.stop()


def test_committed_ingest_survives_kill_9(tmp_path):
    database = str(tmp_path / "durable.duckdb")
    server = BridgeProcess(database)
    name = unique()
    try:
        with server.client() as c:
            assert ingest(c, name, table_of(100_000), mode="create") == 100_000
            put(c, flight.FlightDescriptor.for_path(name), table_of(5, start=100_000))
    finally:
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(timeout=10)
    restarted = BridgeProcess(database)
    try:
        with restarted.client() as c:
            assert query(c, f"SELECT * FROM {name} ORDER BY id") == table_of(100_005)
    finally:
        restarted.stop()


def test_dictionary_encoded_columns_are_decoded(client):
    name = unique()
    data = pa.table({"city": pa.array(["Oslo", "Lima", "Oslo", None]).dictionary_encode(),
                     "n": pa.array([1, 2, 3, 4], pa.int32())})
    assert ingest(client, name, data, mode="create") == 4
    assert query(client, f"SELECT city::VARCHAR AS city, n FROM {name} ORDER BY n").to_pylist() == [
        {"city": "Oslo", "n": 1}, {"city": "Lima", "n": 2}, {"city": "Oslo", "n": 3}, {"city": None, "n": 4}]


def test_temporary_ingest_waits_for_the_session_connection_while_a_result_streams(bridge):
    with bridge.client() as one:
        info = one.get_flight_info(flight.FlightDescriptor.for_command("SELECT range AS i FROM range(2000000)"))
        reader = one.do_get(info.endpoints[0].ticket)
        reader.read_chunk()
        finisher = threading.Timer(1.0, reader.read_all)
        finisher.start()
        name = unique()
        assert ingest(one, name, table_of(3), mode="create", temporary=True) == 3
        finisher.join()
        assert count(one, f"temp.main.{name}") == 3
