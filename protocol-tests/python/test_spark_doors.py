"""Spark through every door and limit of Bridge (engines.spark), against the test session's one Spark Connect server
(local[2]): the HTTP door (catalog=spark on /v1/query in each format, the catalog routes), USE as SQL, parameters of
prepared statements, query timeouts, the statement queue, CancelFlightInfo before the first batch, and reloading
engines.spark."""
import csv
import functools
import io
import json
import threading
import time

import pyarrow as pa
import pyarrow.flight as flight
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest
import requests
import zstandard

import flightsql as fs
from conftest import BridgeProcess
from test_auth import hash_password
from test_ops import edit, query_log, wait_for

USERS = {"wes": "writer", "rey": "reader"}
# Both of local[2]'s task slots busy for minutes, unless the job is interrupted.
LONG_JOB = "SELECT '{marker}' AS m, sum(id % 7) AS s FROM range(0, 400000000000, 1, 2)"


@functools.lru_cache(maxsize=1)
def users_yaml():
    """The users, hashed once: a hash has its own salt, and an edit must change only what a test changes."""
    return "\n".join(f"    - name: {name}\n      password_hash: \"{hash_password(name + '-pw')}\"\n      role: {role}"
                     for name, role in USERS.items())


def bridge_yaml(spark_connect, extra="", token_file=None, remote=None):
    users = users_yaml()
    return (f"auth:\n  enabled: true\n  users:\n{users}\n  token:\n"
            f"    signing_key: python-test-signing-key-0123456789abcdef\n    ttl: 10m\n"
            f"engines:\n  spark:\n    remote: {remote or spark_connect.remote}\n"
            f"    token_file: {token_file or spark_connect.token_file}\n{extra}")


def start(directory, text):
    config = directory / "bridge.yaml"
    config.write_text(text)
    return BridgeProcess(":memory:", ["--config", str(config)]), config


@pytest.fixture(scope="module")
def server(spark_connect, tmp_path_factory):
    bridge, _ = start(tmp_path_factory.mktemp("spark-doors"), bridge_yaml(spark_connect))
    yield bridge
    bridge.stop_cleanly()


def login(client, user, timeout=None):
    return flight.FlightCallOptions(headers=[client.authenticate_basic_token(user.encode(), (user + "-pw").encode())],
                                    timeout=timeout)


def session(server, user, catalog="spark"):
    client = server.client()
    options = login(client, user)
    if catalog:
        fs.set_session_options(client, options, catalog=catalog)
    return client, options


def run(client, options, sql):
    info = client.get_flight_info(fs.statement_query(sql), options)
    return client.do_get(info.endpoints[0].ticket, options).read_all()


def http(server, path, user="rey", **kwargs):
    return requests.get(server.http_url + path, auth=(user, user + "-pw"), timeout=120, **kwargs)


@pytest.fixture(scope="module")
def sales(server, tmp_path_factory):
    """A Parquet dataset written by pyarrow, registered in Spark as a table over its files."""
    directory = tmp_path_factory.mktemp("sales")
    ids = list(range(2000))
    pq.write_table(pa.table({"id": pa.array(ids, pa.int64()), "region": [f"r{i % 3}" for i in ids],
                             "amount": [i * 0.25 for i in ids]}), directory / "part-0.parquet")
    client, options = session(server, "wes")
    run(client, options, "DROP TABLE IF EXISTS doors_sales")
    run(client, options, f"CREATE TABLE doors_sales USING parquet LOCATION '{directory}'")
    client.close()
    return ids


EXPECTED_TOTALS = {f"r{k}": sum(i * 0.25 for i in range(2000) if i % 3 == k) for k in range(3)}
TOTALS_SQL = "SELECT region, count(*) AS n, sum(amount) AS total FROM doors_sales GROUP BY region ORDER BY region"


# ---- HTTP ------------------------------------------------------------------------------------------------------

def test_http_catalog_spark_streams_sparks_result_as_ndjson(server, sales):
    response = http(server, "/v1/query", params={"sql": TOTALS_SQL, "catalog": "spark"})
    assert response.status_code == 200, response.text
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert lines[0]["type"] == "metadata"
    assert [c["name"] for c in lines[0]["columns"]] == ["region", "n", "total"]
    rows = [row for line in lines if line["type"] == "data" for row in line["rows"]]
    assert {r[0]: (r[1], r[2]) for r in rows} == {k: (667 if k == "r0" else 667 if k == "r1" else 666, v)
                                                   for k, v in EXPECTED_TOTALS.items()}
    assert lines[-1]["type"] == "end" and lines[-1]["rows"] == 3


def test_http_catalog_spark_answers_csv_and_compressed_arrow(server, sales):
    response = requests.post(server.http_url + "/v1/query", auth=("rey", "rey-pw"), timeout=120,
                             json={"sql": TOTALS_SQL, "catalog": "spark", "format": "csv"})
    assert response.status_code == 200, response.text
    assert list(csv.reader(io.StringIO(response.text)))[0] == ["region", "n", "total"]
    assert len(response.text.splitlines()) == 4
    for compression in ("zstd", "lz4"):
        response = http(server, "/v1/query", params={"sql": TOTALS_SQL, "catalog": "spark", "format": "arrow",
                                                     "compression": compression})
        assert response.headers["Content-Type"] == "application/vnd.apache.arrow.stream"
        table = ipc.open_stream(response.content).read_all()
        assert table.schema.field("n").type == pa.int64()
        assert dict(zip(table.column("region").to_pylist(), table.column("total").to_pylist())) == EXPECTED_TOTALS
    # The whole body compressed by HTTP's own Content-Encoding, decoded while it arrives.
    response = http(server, "/v1/query", params={"sql": TOTALS_SQL, "catalog": "spark"},
                    headers={"Accept-Encoding": "zstd"}, stream=True)
    assert response.headers["Content-Encoding"] == "zstd"
    body = zstandard.ZstdDecompressor().decompressobj().decompress(response.raw.read(decode_content=False))
    assert json.loads(body.splitlines()[-1])["rows"] == 3


def test_http_spark_parameters_errors_and_roles(server, sales):
    response = requests.post(server.http_url + "/v1/query", auth=("rey", "rey-pw"), timeout=120,
                             json={"sql": "SELECT count(*) AS n FROM doors_sales WHERE id < ? AND region = ?",
                                   "params": [30, "r1"], "catalog": "spark"})
    assert [json.loads(line) for line in response.text.splitlines()][1]["rows"] == [[10]]
    missing = http(server, "/v1/query", params={"sql": "SELECT * FROM doors_no_such_table", "catalog": "spark"})
    assert missing.status_code == 404 and "TABLE_OR_VIEW_NOT_FOUND" in missing.json()["error"]["message"]
    denied = http(server, "/v1/query", params={"sql": "DROP TABLE doors_sales", "catalog": "spark"})
    assert denied.status_code == 403 and "role reader" in denied.json()["error"]["message"]
    unknown = http(server, "/v1/query", params={"sql": "SELECT 1", "catalog": "no_such_catalog"})
    assert unknown.status_code in (400, 404) and "no_such_catalog" in unknown.json()["error"]["message"]
    logged = wait_for(lambda: [e for e in query_log(server, "doors_sales WHERE id < ?") if e["protocol"] == "http"])
    assert logged and logged[-1]["engine"] == "spark"


def test_http_catalog_routes_list_sparks_schemas_tables_and_columns(server, sales):
    catalogs = {c["name"]: c["schemas"] for c in http(server, "/v1/catalogs").json()["catalogs"]}
    assert "default" in catalogs["spark"] and "main" in catalogs["memory"]
    tables = http(server, "/v1/tables", params={"catalog": "spark", "schema": "default"}).json()["tables"]
    sales_table = [t for t in tables if t["name"] == "doors_sales"]
    assert sales_table == [{"database": "spark", "schema": "default", "name": "doors_sales", "kind": "TABLE",
                            "columns": [{"name": "id", "type": "BIGINT", "nullable": True},
                                        {"name": "region", "type": "VARCHAR", "nullable": True},
                                        {"name": "amount", "type": "DOUBLE", "nullable": True}]}]
    described = http(server, "/v1/tables/doors_sales", params={"catalog": "spark"})
    assert described.status_code == 200 and described.json()["columns"][0]["name"] == "id"
    missing = http(server, "/v1/tables/doors_nothing", params={"catalog": "spark"})
    assert missing.status_code == 404 and "of catalog 'spark'" in missing.json()["error"]["message"]
    # DuckDB's catalog alone, without asking Spark.
    assert all(t["database"] == "memory" for t in http(server, "/v1/tables", params={"catalog": "memory"})
               .json()["tables"])


# ---- USE as SQL --------------------------------------------------------------------------------------------------

def test_use_spark_and_use_memory_switch_the_sessions_engine(server, sales):
    client, options = session(server, "wes", catalog=None)
    run(client, options, "CREATE OR REPLACE TABLE memory.main.doors_local AS SELECT 'duckdb' AS engine")
    # A DuckDB session naming Spark's catalog is told to switch, not that the catalog does not exist.
    for sql in ("SELECT * FROM spark.default.doors_sales",
                "SELECT * FROM memory.main.doors_local JOIN spark.default.doors_sales ON true"):
        with fs.expect_status("INVALID_ARGUMENT", "cannot mix DuckDB and spark objects.*USE spark"):
            run(client, options, sql)
    client.get_flight_info(fs.statement_query("USE spark"), options)
    assert run(client, options, "SELECT count(*) AS n FROM doors_sales").to_pylist() == [{"n": 2000}]
    with fs.expect_status("INVALID_ARGUMENT", "mixes DuckDB and Spark objects: memory.main.doors_local"):
        run(client, options, "SELECT * FROM doors_sales JOIN memory.main.doors_local ON true")
    client.get_flight_info(fs.statement_query("USE memory"), options)
    assert run(client, options, "SELECT engine FROM doors_local").to_pylist() == [{"engine": "duckdb"}]
    client.get_flight_info(fs.statement_query("use `spark`.`default`;"), options)
    assert run(client, options, "SELECT current_database() AS db").to_pylist() == [{"db": "default"}]
    with fs.expect_status("NOT_FOUND", "doors_no_such_db"):
        client.get_flight_info(fs.statement_query("USE spark.doors_no_such_db"), options)
    client.get_flight_info(fs.statement_query("USE memory.main"), options)
    assert run(client, options, "SELECT engine FROM doors_local").to_pylist() == [{"engine": "duckdb"}]


def test_a_reader_may_use_spark(server, sales):
    client, options = session(server, "rey", catalog=None)
    client.get_flight_info(fs.statement_query("USE spark"), options)
    assert run(client, options, "SELECT count(*) AS n FROM doors_sales").to_pylist() == [{"n": 2000}]


# ---- Parameters --------------------------------------------------------------------------------------------------

def create_prepared(client, options, sql):
    request = fs.pack("ActionCreatePreparedStatementRequest", fs.field_bytes(1, sql.encode()))
    results = list(client.do_action(flight.Action("CreatePreparedStatement", request), options))
    fields = fs.fields(fs.unpack(results[0].body.to_pybytes())[1])
    dataset = pa.ipc.read_schema(pa.py_buffer(fields[2])) if fields.get(2) else None
    parameters = pa.ipc.read_schema(pa.py_buffer(fields[3])) if fields.get(3) else None
    return fields[1], dataset, parameters


def bind_and_run(client, options, handle, parameters):
    descriptor = flight.FlightDescriptor.for_command(fs.pack("CommandPreparedStatementQuery",
                                                             fs.field_bytes(1, handle)))
    writer, reader = client.do_put(descriptor, parameters.schema, options)
    writer.write_table(parameters)
    writer.done_writing()
    reader.read()
    writer.close()
    info = client.get_flight_info(descriptor, options)
    return info, client.do_get(info.endpoints[0].ticket, options).read_all()


def test_prepared_spark_statements_bind_typed_values_positionally_and_by_name(server, sales):
    client, options = session(server, "rey")
    handle, dataset, declared = create_prepared(
        client, options, "SELECT id, region FROM doors_sales WHERE id BETWEEN ? AND CAST(? AS INT) ORDER BY id")
    assert dataset.names == ["id", "region"]
    assert [f.type for f in declared] == [pa.string(), pa.int32()]
    # pyarrow and ADBC bind whatever type they hold; Spark takes each as a literal of that type.
    _, table = bind_and_run(client, options, handle, pa.table({"a": pa.array([5], pa.int64()),
                                                               "b": pa.array([7], pa.int32())}))
    assert table.to_pylist() == [{"id": i, "region": f"r{i % 3}"} for i in (5, 6, 7)]
    handle, _, declared = create_prepared(client, options, "SELECT :low + 1 AS next, :person AS who, :low AS low")
    assert len(declared) == 2
    info, table = bind_and_run(client, options, handle, pa.table({"low": pa.array([41], pa.int16()),
                                                                  "person": pa.array(["rey"], pa.string())}))
    assert table.to_pylist() == [{"next": 42, "who": "rey", "low": 41}]
    # The announced schema is the one for the bound values (a SMALLINT parameter plus 1 is an INT in Spark).
    assert info.schema.field("low").type == pa.int16() and table.schema.field("low").type == pa.int16()


def test_a_spark_parameter_count_mismatch_and_a_typed_null_are_answered(server, sales):
    client, options = session(server, "rey")
    handle, _, _ = create_prepared(client, options, "SELECT ? AS v, typeof(?) AS t")
    _, table = bind_and_run(client, options, handle, pa.table({"v": pa.array([None], pa.int32()),
                                                               "t": pa.array([None], pa.date32())}))
    assert table.to_pylist() == [{"v": None, "t": "date"}]
    assert table.schema.field("v").type == pa.int32()
    with fs.expect_status("INVALID_ARGUMENT", "takes 2 parameter"):
        bind_and_run(client, options, handle, pa.table({"v": pa.array([1], pa.int32())}))


# ---- Timeouts, the queue, CancelFlightInfo ---------------------------------------------------------------------

def slots_are_free(server):
    """A job needing both task slots completes soon: no interrupted job holds them."""
    client, options = session(server, "rey")
    started = time.monotonic()
    assert run(client, options, "SELECT count(*) AS n FROM range(0, 1000, 1, 2)").to_pylist() == [{"n": 1000}]
    return time.monotonic() - started < 60


def test_a_spark_query_past_its_timeout_is_interrupted_with_deadline_exceeded(server, sales):
    client, options = session(server, "rey")
    fs.set_session_options(client, options, query_timeout="3s")
    marker = "timeout-" + str(time.time_ns())
    info = client.get_flight_info(fs.statement_query(LONG_JOB.format(marker=marker)), options)
    started = time.monotonic()
    with fs.expect_status("DEADLINE_EXCEEDED", "longer than its query timeout of PT3S"):
        client.do_get(info.endpoints[0].ticket, options).read_all()
    assert time.monotonic() - started < 60
    assert slots_are_free(server)
    logged = wait_for(lambda: [e for e in query_log(server, marker) if e["outcome"] != "ok"])
    assert logged and logged[-1]["engine"] == "spark" and logged[-1]["outcome"] != "ok", logged
    # The HTTP door's timeout too: 504 before the body began.
    response = http(server, "/v1/query", params={"sql": LONG_JOB.format(marker=marker + "-http"), "catalog": "spark",
                                                 "timeout": "2s"})
    assert response.status_code == 504 and "query timeout" in response.json()["error"]["message"]
    assert slots_are_free(server)


def cancel_flight_info(client, options, info):
    results = list(client.do_action(flight.Action("CancelFlightInfo", fs.field_bytes(1, info.serialize())), options))
    return fs.fields(results[0].body.to_pybytes()).get(1)


def test_cancel_flight_info_before_the_first_batch_interrupts_the_spark_job(server, sales):
    client, options = session(server, "rey")
    marker = "cancel-info-" + str(time.time_ns())
    info = client.get_flight_info(fs.statement_query(LONG_JOB.format(marker=marker)), options)
    failure = {}

    def fetch():
        try:
            client.do_get(info.endpoints[0].ticket, options).read_all()
        except flight.FlightError as e:
            failure["error"] = e

    reader = threading.Thread(target=fetch)
    reader.start()
    # Spark has started the job (the statement is listed as running) and has sent no batch yet.
    assert wait_for(lambda: any(marker in s["statement"] for s in
                                http(server, "/v1/statements").json()["statements"]), timeout=60)
    time.sleep(1)
    assert cancel_flight_info(client, login(client, "rey"), info) == 1  # CANCEL_STATUS_CANCELLED
    reader.join(timeout=60)
    assert not reader.is_alive() and "cancel" in str(failure.get("error")).lower(), failure
    assert slots_are_free(server)
    logged = wait_for(lambda: [e for e in query_log(server, marker) if e["outcome"] != "ok"])
    assert logged and logged[-1]["outcome"] == "cancelled" and logged[-1]["engine"] == "spark", logged


def test_spark_statements_take_places_in_the_statement_queue(spark_connect, tmp_path):
    bridge, _ = start(tmp_path, bridge_yaml(spark_connect, extra="limits:\n  max_running_statements: 1\n"
                                                                 "  queue_timeout: 2s\n"))
    try:
        client, options = session(bridge, "rey")
        marker = "queued-" + str(time.time_ns())
        info = client.get_flight_info(fs.statement_query(LONG_JOB.format(marker=marker)), options)
        holder = threading.Thread(target=lambda: pytest.raises(flight.FlightError, lambda: client.do_get(
            info.endpoints[0].ticket, options).read_all()))
        holder.start()
        assert wait_for(lambda: any(marker in s["statement"] for s in
                                    http(bridge, "/v1/statements").json()["statements"]), timeout=60)
        other, other_options = session(bridge, "rey")
        with fs.expect_status("RESOURCE_EXHAUSTED", "limits.max_running_statements"):
            run(other, other_options, "SELECT 1 AS one")
        assert cancel_flight_info(client, login(client, "rey"), info) == 1
        holder.join(timeout=60)
        # The place is free again once the interrupted query ended.
        assert wait_for(lambda: run(other, other_options, "SELECT 1 AS one").to_pylist() == [{"one": 1}], timeout=30)
    finally:
        bridge.stop_cleanly()


# ---- Reloading engines.spark -------------------------------------------------------------------------------------

def in_spark(bridge, user="rey"):
    """A new session sent to Spark by USE spark, which reaches Spark (for its current database) when it runs."""
    client = bridge.client()
    options = login(client, user)
    client.get_flight_info(fs.statement_query("USE spark"), options)
    return client, options


def test_a_reloaded_spark_token_or_address_reaches_new_sessions_and_a_bad_edit_keeps_the_running_one(
        spark_connect, tmp_path):
    wrong = tmp_path / "wrong-token"
    wrong.write_text("not-the-token\n")
    bridge, config = start(tmp_path, bridge_yaml(spark_connect, token_file=wrong))
    try:
        wait_for(lambda: "watching" in bridge.log())
        with fs.expect_status("INTERNAL", "Spark refused Bridge's credentials"):
            in_spark(bridge)
        edit(config, bridge_yaml(spark_connect), bridge, "applied [engines.spark.token_file]")
        # A session that enters Spark from now on gets the new token.
        fresh, fresh_options = in_spark(bridge)
        assert run(fresh, fresh_options, "SELECT 1 AS one").to_pylist() == [{"one": 1}]
        # An address where nothing listens: new sessions fail, the session already in Spark keeps working.
        edit(config, bridge_yaml(spark_connect, remote="sc://127.0.0.1:1"), bridge, "applied [engines.spark.remote]")
        assert run(fresh, fresh_options, "SELECT 2 AS two").to_pylist() == [{"two": 2}]
        with fs.expect_status("UNAVAILABLE", "engines.spark.remote"):
            in_spark(bridge)
        edit(config, bridge_yaml(spark_connect), bridge, "applied [engines.spark.remote]")
        # An invalid value is refused whole: the running configuration stays and new sessions still reach Spark.
        edit(config, bridge_yaml(spark_connect, remote="http://127.0.0.1:1"), bridge,
             "configuration reload rejected")
        assert "engines.spark.remote" in bridge.log().split("configuration reload rejected")[-1].splitlines()[0]
        newest, newest_options = in_spark(bridge)
        assert run(newest, newest_options, "SELECT 4 AS four").to_pylist() == [{"four": 4}]
        # Renaming the catalog needs a restart: refused, and the catalog keeps its name.
        edit(config, bridge_yaml(spark_connect).replace("    token_file:", "    catalog: sparky\n    token_file:"),
             bridge, "refused, the running values stay")
        assert "needs a restart" in bridge.log().split("refused, the running values stay")[-1].splitlines()[0]
        assert run(newest, newest_options, "SELECT 5 AS five").to_pylist() == [{"five": 5}]
        # So does turning Spark off.
        edit(config, bridge_yaml(spark_connect).split("engines:")[0], bridge, "turning Spark off needs a restart")
        in_spark(bridge)
    finally:
        bridge.stop_cleanly()
