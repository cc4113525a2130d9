"""One query, several endpoints on one node, through pyarrow: a union-safe query over a large table or a Parquet
dataset is split into partitions read in parallel (one thread per endpoint), and together they are the one-endpoint
answer; a write in between fails a partition with ABORTED; the query log has one line per query."""
import concurrent.futures
import os
import textwrap
import threading
import time
import uuid

import pyarrow as pa
import pyarrow.flight as flight
import pyarrow.parquet as pq
import pytest
import requests

import flightsql
from conftest import BridgeProcess
from test_ops import edit, query_log, wait_for

ROWS = 1_000_000
FILES = 6
ONE_FILE_ROWS = 600_000


def write_one_file(path):
    """One Parquet file of ONE_FILE_ROWS rows in 12 row groups: a dataset of fewer files than partitions."""
    ids = pa.array(range(ONE_FILE_ROWS), type=pa.int64())
    pq.write_table(pa.table({"id": ids, "k": pa.array([n % 7 for n in range(ONE_FILE_ROWS)])}), path,
                   row_group_size=50_000)


@pytest.fixture(scope="module")
def configured(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    (data / "events").mkdir()
    for i in range(FILES):
        ids = list(range(i, 600_000, FILES))
        pq.write_table(pa.table({"id": pa.array(ids, type=pa.int64()), "k": pa.array([n % 7 for n in ids])}),
                       data / "events" / f"part-{i}.parquet")
    for name in ("journal", "rewritten"):
        (data / name).mkdir()
        write_one_file(data / name / "all.parquet")
    config = tmp_path_factory.mktemp("conf") / "bridge.yaml"
    text = textwrap.dedent(f"""\
        flight:
          partitions: 4
          partition_min_rows: 100000
        database:
          data_directories: ["{data}"]
        files:
          datasets:
            - name: events
              paths: ["events/*.parquet"]
            - name: journal
              paths: ["journal/*.parquet"]
            - name: rewritten
              paths: ["rewritten/*.parquet"]
        """)
    config.write_text(text)
    server = BridgeProcess(":memory:", extra_args=["--config", str(config)])
    server.data = data
    yield server, config, text
    server.stop_cleanly()


@pytest.fixture(scope="module")
def server(configured):
    server = configured[0]
    client = server.client()
    update(client, f"CREATE TABLE big AS SELECT range AS id, range % 7 AS k, 'v' || range AS v FROM range({ROWS})")
    client.close()
    return server


@pytest.fixture()
def client(server):
    c = server.client()
    yield c
    c.close()


def update(client, sql):
    # A statement that returns no rows runs when it is planned; its ticket streams the count.
    info = client.get_flight_info(flightsql.statement_query(sql))
    client.do_get(info.endpoints[0].ticket).read_all()


def partitions(value):
    return flight.FlightCallOptions(headers=[(b"x-bridge-partitions", value.encode())])


def read_parts(client, info):
    """Every endpoint read at once, one thread each: one table per endpoint."""
    with concurrent.futures.ThreadPoolExecutor(len(info.endpoints)) as pool:
        return list(pool.map(lambda endpoint: client.do_get(endpoint.ticket).read_all(), info.endpoints))


def read_threaded(client, info):
    """Every endpoint read at once, one thread each, as one table."""
    return pa.concat_tables(read_parts(client, info))


def rows(table):
    return sorted(tuple(row.values()) for row in table.to_pylist())


def one_endpoint(client, sql):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql), partitions("off"))
    assert len(info.endpoints) == 1
    return rows(client.do_get(info.endpoints[0].ticket).read_all())


@pytest.mark.parametrize("sql", [
    "SELECT id, k, v FROM big",
    "SELECT id + 1 AS n, v FROM big WHERE k = 2 OR id < 1000",
    "SELECT id, k FROM files.events",
    "SELECT id * 2 AS twice FROM files.events AS e WHERE e.k <> 3",
])
def test_threaded_reads_of_the_partitions_are_the_one_endpoint_answer(client, sql):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql))
    assert len(info.endpoints) == 4
    assert info.ordered is False
    assert rows(read_threaded(client, info)) == one_endpoint(client, sql)


@pytest.mark.parametrize("sql", [
    "SELECT id, k FROM files.journal",
    "SELECT id * 2 AS twice, k FROM files.journal AS j WHERE j.k <> 3 OR id < 10",
])
def test_a_dataset_of_one_file_splits_into_runs_of_its_row_groups_that_together_are_the_one_endpoint_answer(
        client, sql):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql))
    assert len(info.endpoints) == 4
    assert info.ordered is False
    parts = read_parts(client, info)
    assert all(part.num_rows > 0 for part in parts)  # each run of row groups has rows of the answer
    assert rows(pa.concat_tables(parts)) == one_endpoint(client, sql)


def test_a_one_file_dataset_rewritten_between_planning_and_a_fetch_is_aborted_never_mixed(server, client):
    info = client.get_flight_info(flight.FlightDescriptor.for_command("SELECT id FROM files.rewritten"))
    assert len(info.endpoints) == 4 and info.total_records == ONE_FILE_ROWS
    assert client.do_get(info.endpoints[0].ticket).read_all().num_rows > 0
    path = server.data / "rewritten" / "all.parquet"
    write_one_file(path)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # surely another modification time
    with flightsql.expect_status("ABORTED", "the files of dataset .*rewritten changed since the query was planned; "
                                            "run it again"):
        client.do_get(info.endpoints[2].ticket).read_all()


def test_the_record_count_is_given_where_it_is_known(client):
    assert client.get_flight_info(flight.FlightDescriptor.for_command("SELECT id FROM big")).total_records == ROWS
    assert client.get_flight_info(
        flight.FlightDescriptor.for_command("SELECT id FROM files.events")).total_records == 600_000
    assert client.get_flight_info(
        flight.FlightDescriptor.for_command("SELECT id FROM big WHERE k = 1")).total_records == -1


@pytest.mark.parametrize("sql", [
    "SELECT count(*) FROM big", "SELECT k, count(*) FROM files.events GROUP BY k", "SELECT DISTINCT k FROM big",
    "SELECT id FROM big ORDER BY id DESC", "SELECT id FROM files.events LIMIT 10",
    "SELECT id, lag(id) OVER (ORDER BY id) FROM big", "SELECT id FROM big UNION SELECT id FROM files.events",
    "SELECT b.id FROM big b JOIN files.events e USING (id)", "SELECT id, random() FROM files.events",
])
def test_other_shapes_get_one_endpoint(client, sql):
    assert len(client.get_flight_info(flight.FlightDescriptor.for_command(sql)).endpoints) == 1


def test_a_write_between_planning_and_a_fetch_is_aborted_never_mixed(client):
    update(client, "CREATE OR REPLACE TABLE moving AS SELECT * FROM big")
    info = client.get_flight_info(flight.FlightDescriptor.for_command("SELECT id FROM moving"))
    assert len(info.endpoints) == 4
    assert client.do_get(info.endpoints[0].ticket).read_all().num_rows > 0
    update(client, "DELETE FROM moving WHERE id = 5")
    with flightsql.expect_status("ABORTED", "the table .*moving changed since the query was planned; run it again"):
        client.do_get(info.endpoints[2].ticket).read_all()


def test_a_text_of_several_writes_racing_partitioned_reads_is_aborted_or_consistent_never_mixed(server, client):
    """Each text updates the even rows, then the odd rows: DuckDB runs its first UPDATE while it prepares the text.
    Every committed state has one generation per parity; partitions that mixed two states would show two."""
    update(client, "CREATE OR REPLACE TABLE generations AS SELECT range AS id, 0 AS gen FROM range(600000)")
    stop = threading.Event()
    texts = []

    def write():
        with server.client() as writer:
            while not stop.is_set():
                update(writer, "UPDATE generations SET gen = gen + 1 WHERE id % 2 = 0;"
                               " UPDATE generations SET gen = gen + 1 WHERE id % 2 = 1")
                texts.append(1)
                time.sleep(0.15)

    writer = threading.Thread(target=write)
    writer.start()
    consistent = aborted = 0
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (consistent < 3 or aborted < 1 or len(texts) < 5):
            info = client.get_flight_info(flight.FlightDescriptor.for_command("SELECT id % 2 AS parity, gen "
                                                                              "FROM generations"))
            assert len(info.endpoints) == 4
            try:
                table = read_threaded(client, info)
            except flight.FlightError as e:
                assert "changed since the query was planned; run it again" in str(e), e
                aborted += 1
                continue
            assert table.num_rows == 600000
            generations = {(parity, gen) for parity, gen in zip(table["parity"].to_pylist(), table["gen"].to_pylist())}
            assert len(generations) == 2, f"partitions from different snapshots: {sorted(generations)}"
            consistent += 1
    finally:
        stop.set()
        writer.join()
    assert len(texts) >= 5 and consistent >= 1, (len(texts), consistent, aborted)


def test_a_bad_header_is_invalid_argument_naming_it(client):
    for bad in ("zero", "0", "1000", "2.5"):
        with flightsql.expect_status("INVALID_ARGUMENT", "x-bridge-partitions.*off, auto or a number from 1 to 256"):
            client.get_flight_info(flight.FlightDescriptor.for_command("SELECT id FROM big"), partitions(bad))


def test_the_query_log_has_one_line_per_query_with_its_partitions(server, client):
    marker = "pq_" + uuid.uuid4().hex[:8]
    sql = f"SELECT id AS {marker} FROM big"
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql))
    assert read_threaded(client, info).num_rows == ROWS
    events = wait_for(lambda: query_log(server, marker))
    assert len(events) == 1, events
    assert events[0]["partitions"] == 4
    assert events[0]["rows"] == ROWS
    assert events[0]["outcome"] == "ok"


def test_the_setting_is_reloaded_without_a_restart(configured, server, client):
    _, config, text = configured
    edit(config, text.replace("partitions: 4", "partitions: off"), server,
         "configuration reloaded; applied [flight.partitions]")
    try:
        assert len(client.get_flight_info(flight.FlightDescriptor.for_command("SELECT id FROM big")).endpoints) == 1
    finally:
        edit(config, text, server, "configuration reloaded; applied [flight.partitions]")
    assert len(client.get_flight_info(flight.FlightDescriptor.for_command("SELECT id FROM big")).endpoints) == 4


def test_a_query_whose_client_fetches_one_partition_ends_when_the_other_tickets_expire(tmp_path):
    config = tmp_path / "bridge.yaml"
    config.write_text("flight:\n  partitions: 4\n  partition_min_rows: 100000\nsessions:\n  ticket_ttl: 1s\n")
    server = BridgeProcess(":memory:", extra_args=["--config", str(config)])
    try:
        with server.client() as client:
            update(client, "CREATE TABLE partly AS SELECT range AS id FROM range(600000)")
            marker = "ab_" + uuid.uuid4().hex[:8]
            info = client.get_flight_info(flight.FlightDescriptor.for_command(f"SELECT id AS {marker} FROM partly"))
            assert len(info.endpoints) == 4
            fetched = client.do_get(info.endpoints[1].ticket).read_all().num_rows
            assert 0 < fetched < 600000
            events = wait_for(lambda: query_log(server, marker), timeout=20)
            time.sleep(1.5)  # two more passes of the ticket reaper: still one line
            events = query_log(server, marker)
            assert len(events) == 1, events
            assert events[0]["outcome"] == "abandoned"
            assert events[0]["partitions"] == 4
            assert events[0]["expired_partitions"] == 3
            assert events[0]["rows"] == fetched
            statements = requests.get(f"{server.http_url}/v1/statements", timeout=10).json()["statements"]
            assert [s for s in statements if marker in s["statement"]] == []
            assert wait_for(lambda: requests.get(f"{server.http_url}/health", timeout=10)
                            .json()["arrow_allocated_bytes"] == 0)
            metrics = requests.get(f"{server.http_url}/metrics", timeout=10).text
            assert 'outcome="abandoned"' in metrics
            with flightsql.expect_status("NOT_FOUND", "unknown or expired ticket"):
                client.do_get(info.endpoints[2].ticket).read_all()
    finally:
        server.stop_cleanly()
