"""Spark through Spark Connect behind the Flight SQL door (engines.spark), driven by pyarrow against a real Spark
Connect server in local[2] mode: a session whose catalog is Spark's sends its statements to Spark."""
import threading
import time

import pyarrow as pa
import pyarrow.flight as flight
import pyarrow.parquet as pq
import pytest

import flightsql as fs
from conftest import BridgeProcess
from test_auth import hash_password
from test_ops import query_log, wait_for

USERS = {"wes": "writer", "rey": "reader"}


@pytest.fixture(scope="module")
def server(spark_connect, tmp_path_factory):
    directory = tmp_path_factory.mktemp("spark-bridge")
    users = "\n".join(f"    - name: {name}\n      password_hash: \"{hash_password(name + '-pw')}\"\n      role: {role}"
                      for name, role in USERS.items())
    config = directory / "bridge.yaml"
    config.write_text(f"auth:\n  enabled: true\n  users:\n{users}\n  token:\n"
                      f"    signing_key: python-test-signing-key-0123456789abcdef\n    ttl: 10m\n"
                      f"engines:\n  spark:\n    remote: {spark_connect.remote}\n"
                      f"    token_file: {spark_connect.token_file}\n")
    bridge = BridgeProcess(":memory:", ["--config", str(config)])
    yield bridge
    bridge.stop_cleanly()


def session(server, user, catalog="spark"):
    """A pyarrow client logged in as user, whose session's catalog is set; returns the client and call options."""
    client = server.client()
    options = flight.FlightCallOptions(headers=[client.authenticate_basic_token(user.encode(), (user + "-pw").encode())])
    if catalog:
        fs.set_session_options(client, options, catalog=catalog)
    return client, options


def impatient(client, user):
    """Call options that give up after five seconds (the session is the token's: a new token is a new session)."""
    return flight.FlightCallOptions(headers=[client.authenticate_basic_token(user.encode(), (user + "-pw").encode())],
                                    timeout=5)


def run(client, options, sql):
    info = client.get_flight_info(fs.statement_query(sql), options)
    table = client.do_get(info.endpoints[0].ticket, options).read_all()
    return info, table


@pytest.fixture(scope="module")
def events(server, tmp_path_factory):
    """A Parquet dataset written by pyarrow, registered in Spark as a table over its files, and a table of names."""
    directory = tmp_path_factory.mktemp("events")
    for part in range(3):
        ids = list(range(part * 1000, (part + 1) * 1000))
        pq.write_table(pa.table({"id": pa.array(ids, pa.int64()), "kind": [i % 4 for i in ids],
                                 "amount": [i * 0.5 for i in ids]}), directory / f"part-{part}.parquet")
    client, options = session(server, "wes")
    for sql in ("DROP TABLE IF EXISTS py_events", "DROP TABLE IF EXISTS py_kinds",
                f"CREATE TABLE py_events USING parquet LOCATION '{directory}'",
                "CREATE TABLE py_kinds USING parquet AS"
                " SELECT id AS kind, concat('kind ', CAST(id AS STRING)) AS label FROM range(4)"):
        run(client, options, sql)
    client.close()
    return directory


def test_the_spark_catalog_is_listed_with_its_schemas_tables_and_columns(server, events):
    client, options = session(server, "rey", catalog=None)
    catalogs = run_command(client, options, fs.get_catalogs()).column("catalog_name").to_pylist()
    assert "spark" in catalogs and "memory" in catalogs
    schemas = run_command(client, options, fs.get_db_schemas(catalog="spark")).to_pylist()
    assert {"catalog_name": "spark", "db_schema_name": "default"} in schemas
    tables = run_command(client, options, fs.get_tables(catalog="spark", table_pattern="py\\_%", include_schema=True))
    assert tables.column("table_name").to_pylist() == ["py_events", "py_kinds"]
    assert set(tables.column("table_type").to_pylist()) == {"TABLE"}
    events_schema = pa.ipc.read_schema(pa.py_buffer(tables.column("table_schema")[0].as_py()))
    assert [(f.name, f.type) for f in events_schema] == [("id", pa.int64()), ("kind", pa.int64()),
                                                         ("amount", pa.float64())]


def run_command(client, options, descriptor):
    info = client.get_flight_info(descriptor, options)
    return client.do_get(info.endpoints[0].ticket, options).read_all()


def test_a_query_over_a_parquet_dataset_registered_in_spark_streams_sparks_batches(server, events):
    client, options = session(server, "rey")
    info, table = run(client, options, "SELECT kind, count(*) AS n, sum(amount) AS total FROM py_events"
                                       " GROUP BY kind ORDER BY kind")
    # GetFlightInfo's schema came from AnalyzePlan, before anything ran; the stream's is Spark's own.
    assert info.schema == table.schema
    assert table.to_pylist() == [{"kind": k, "n": 750, "total": sum(i * 0.5 for i in range(3000) if i % 4 == k)}
                                 for k in range(4)]


def test_a_join_and_aggregate_run_on_spark(server, events):
    client, options = session(server, "rey")
    _, table = run(client, options, "SELECT k.label, max(e.id) AS last FROM py_events e JOIN py_kinds k"
                                    " ON e.kind = k.kind WHERE e.id < 2000 GROUP BY k.label ORDER BY k.label")
    assert table.to_pylist() == [{"label": f"kind {k}", "last": max(i for i in range(2000) if i % 4 == k)}
                                 for k in range(4)]


def test_a_spark_error_reaches_the_client_with_sparks_message(server, events):
    client, options = session(server, "rey")
    with fs.expect_status("NOT_FOUND", r"Spark: \[TABLE_OR_VIEW_NOT_FOUND\]"):
        run(client, options, "SELECT * FROM py_no_such_table")
    with fs.expect_status("INVALID_ARGUMENT", r"Spark: \[UNRESOLVED_COLUMN"):
        run(client, options, "SELECT no_such_column FROM py_events")
    with fs.expect_status("INVALID_ARGUMENT", "Spark cannot parse the statement"):
        run(client, options, "SELEC 1")


def test_a_reader_runs_spark_queries_but_not_statements_that_change_something(server, events):
    client, options = session(server, "rey")
    for sql in ("CREATE TABLE py_reader_made USING parquet AS SELECT 1 AS x", "DROP TABLE py_events",
                "INSERT INTO py_kinds SELECT 9, 'nine'"):
        with fs.expect_status("PERMISSION_DENIED", "role reader"):
            client.get_flight_info(fs.statement_query(sql), options)
    # Nothing was run: the table is still there with its rows.
    assert run(client, options, "SELECT count(*) AS n FROM py_events")[1].to_pylist() == [{"n": 3000}]


def test_a_statement_mixing_duckdb_and_spark_tables_is_refused(server, events):
    duck, duck_options = session(server, "wes", catalog=None)
    run(duck, duck_options, "CREATE OR REPLACE TABLE memory.main.py_local AS SELECT 1 AS kind")
    client, options = session(server, "rey")
    with fs.expect_status("INVALID_ARGUMENT", "mixes DuckDB and Spark objects: memory.main.py_local"):
        run(client, options, "SELECT * FROM py_events e JOIN memory.main.py_local l ON e.kind = l.kind")


def test_a_client_that_gives_up_interrupts_the_spark_job(server, events):
    client, options = session(server, "rey")
    marker = "cancel-me-" + str(time.time_ns())
    # Both of local[2]'s task slots busy for minutes, unless the job is interrupted.
    info = client.get_flight_info(fs.statement_query(
        f"SELECT '{marker}' AS m, sum(id % 7) AS s FROM range(0, 400000000000, 1, 2)"), options)
    with pytest.raises(flight.FlightError):
        client.do_get(info.endpoints[0].ticket, impatient(client, "rey")).read_all()
    # A job that needs task slots runs at once: the long one no longer holds them.
    other, other_options = session(server, "rey")
    started = time.monotonic()
    assert run(other, other_options, "SELECT count(*) AS n FROM range(0, 1000, 1, 2)")[1].to_pylist() == [{"n": 1000}]
    assert time.monotonic() - started < 60
    logged = wait_for(lambda: [e for e in query_log(server, marker) if e["outcome"] != "ok"])
    assert logged and logged[-1]["engine"] == "spark" and logged[-1]["outcome"] == "cancelled", logged


def test_the_query_log_names_the_engine(server, events):
    client, options = session(server, "rey")
    marker = "engine-label-" + str(time.time_ns())
    run(client, options, f"SELECT '{marker}' AS m")
    logged = wait_for(lambda: [e for e in query_log(server, marker) if e["kind"] == "query"])
    assert logged and logged[-1]["engine"] == "spark"
    duck, duck_options = session(server, "rey", catalog=None)
    run(duck, duck_options, f"SELECT '{marker}-duck' AS m")
    logged = wait_for(lambda: [e for e in query_log(server, marker + "-duck") if e["kind"] == "query"])
    assert logged and logged[-1]["engine"] == "duckdb"
