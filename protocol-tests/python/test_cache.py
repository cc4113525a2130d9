"""The result cache through pyarrow.flight and HTTP against a real server process: a repeated query is answered from
the cache (the query log says so, GetFlightInfo knows its size), every door and format serves the same rows, a
write makes the next answer fresh, x-bridge-cache: off bypasses it, bad values are refused, and a reloaded
cache.enabled applies at once."""
import io
import json
import re
import uuid

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.flight as flight
import pyarrow.ipc as ipc
import requests

import flightsql as fs
from conftest import BridgeProcess
from test_ops import edit, query_log, wait_for

OFF = flight.FlightCallOptions(headers=[(b"x-bridge-cache", b"off")])


def run(client, sql, options=None):
    options = options or flight.FlightCallOptions()
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql), options)
    return info, client.do_get(info.endpoints[0].ticket, options).read_all()


def metric(server, name):
    text = requests.get(f"{server.http_url}/metrics", timeout=10).text
    match = re.search(rf"^{re.escape(name)} ([0-9.eE+-]+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def table_with_rows(client, marker, rows=50):
    run(client, f"CREATE TABLE {marker} AS SELECT range AS id, 'v' || range AS name FROM range({rows})")


def test_a_repeated_query_is_a_logged_cache_hit_whose_size_get_flight_info_knows(bridge, client):
    marker = "cache_" + uuid.uuid4().hex[:8]
    table_with_rows(client, marker)
    sql = f"SELECT id % 5 AS k, count(*) AS n FROM {marker} GROUP BY k ORDER BY k"
    first_info, first = run(client, sql)
    second_info, second = run(client, sql)
    assert first_info.total_records == -1
    assert second_info.total_records == 5
    assert second.equals(first)
    wait_for(lambda: len([e for e in query_log(bridge, sql) if e["kind"] == "query"]) >= 2)
    events = [e for e in query_log(bridge, sql) if e["kind"] == "query"]
    assert len(events) == 2, events
    assert "cache" not in events[0]
    assert events[1]["cache"] == "hit"
    assert events[1]["rows"] == 5
    assert metric(bridge, "bridge_result_cache_hits_total") >= 1
    assert metric(bridge, "bridge_result_cache_bytes") > 0
    # /health counts what the cache keeps apart from the bytes of work in progress, which go back to zero.
    health = wait_for(lambda: (lambda h: h if h["arrow_allocated_bytes"] == 0 else None)(
        requests.get(f"{bridge.http_url}/health", timeout=10).json()))
    assert health["result_cache_bytes"] > 0


def test_a_write_through_rest_makes_the_next_flight_answer_fresh(bridge, client):
    marker = "cache_" + uuid.uuid4().hex[:8]
    table_with_rows(client, marker)
    sql = f"SELECT count(*) AS n, sum(id) AS s FROM {marker}"
    run(client, sql)
    assert run(client, sql)[1].to_pylist() == [{"n": 50, "s": 1225}]
    invalidations = metric(bridge, "bridge_result_cache_invalidations_total")
    response = requests.post(f"{bridge.http_url}/v1/query", json={"sql": f"INSERT INTO {marker} VALUES (100, 'x')"})
    assert response.status_code == 200, response.text
    assert run(client, sql)[1].to_pylist() == [{"n": 51, "s": 1325}]
    assert metric(bridge, "bridge_result_cache_invalidations_total") > invalidations


def test_rest_serves_ndjson_csv_and_arrow_from_the_cached_batches(bridge, client):
    marker = "cache_" + uuid.uuid4().hex[:8]
    table_with_rows(client, marker, rows=3000)
    sql = f"SELECT id, name FROM {marker} ORDER BY id"
    _, expected = run(client, sql)
    url = f"{bridge.http_url}/v1/query"
    # REST's batches (chunk_rows) are smaller than Flight's, so its first request records its own entry.
    assert requests.get(url, params={"sql": sql, "format": "arrow"}).status_code == 200
    hits = metric(bridge, "bridge_result_cache_hits_total")
    ndjson = requests.get(url, params={"sql": sql, "format": "ndjson"})
    csv = requests.get(url, params={"sql": sql, "format": "csv"})
    arrow = requests.get(url, params={"sql": sql, "format": "arrow"})
    for response in (ndjson, csv, arrow):
        assert response.status_code == 200, response.text
    assert metric(bridge, "bridge_result_cache_hits_total") == hits + 3
    lines = [json.loads(line) for line in ndjson.text.splitlines() if line.strip()]
    rows = [tuple(row) for line in lines if line["type"] == "data" for row in line["rows"]]
    assert rows == list(zip(expected["id"].to_pylist(), expected["name"].to_pylist()))
    assert pacsv.read_csv(io.BytesIO(csv.content)).column("name").to_pylist() == expected["name"].to_pylist()
    assert ipc.open_stream(arrow.content).read_all().equals(expected)
    def http_events():
        return [e for e in query_log(bridge, sql) if e["protocol"] == "http"]
    wait_for(lambda: len(http_events()) >= 4)
    assert [e.get("cache") for e in http_events()] == [None, "hit", "hit", "hit"], http_events()


def test_the_off_header_bypasses_the_cache_on_both_doors(bridge, client):
    marker = "cache_" + uuid.uuid4().hex[:8]
    table_with_rows(client, marker)
    sql = f"SELECT max(id) AS top FROM {marker}"
    run(client, sql)
    hits = metric(bridge, "bridge_result_cache_hits_total")
    info, table = run(client, sql, OFF)
    assert info.total_records == -1
    assert table.to_pylist() == [{"top": 49}]
    response = requests.get(f"{bridge.http_url}/v1/query", params={"sql": sql}, headers={"x-bridge-cache": "off"})
    assert response.status_code == 200
    assert metric(bridge, "bridge_result_cache_hits_total") == hits


def test_an_unknown_cache_value_is_refused_by_name(bridge, client):
    bad = flight.FlightCallOptions(headers=[(b"x-bridge-cache", b"maybe")])
    with fs.expect_status("INVALID_ARGUMENT", "x-bridge-cache"):
        run(client, "SELECT 1", bad)
    response = requests.get(f"{bridge.http_url}/v1/query", params={"sql": "SELECT 1"},
                            headers={"x-bridge-cache": "maybe"})
    assert response.status_code == 400
    assert "x-bridge-cache" in response.text and "maybe" in response.text


def test_volatile_queries_are_never_answered_from_the_cache(bridge, client):
    first = run(client, "SELECT random() AS r")[1]
    second = run(client, "SELECT random() AS r")[1]
    assert first.to_pylist() != second.to_pylist()


def test_a_reloaded_cache_enabled_applies_at_once(tmp_path):
    config = tmp_path / "bridge.yaml"
    config.write_text("cache:\n  enabled: true\n")
    server = BridgeProcess(":memory:", extra_args=("--config", str(config)))
    try:
        wait_for(lambda: "watching" in server.log())
        with server.client() as client:
            table_with_rows(client, "reloaded")
            sql = "SELECT count(*) AS n FROM reloaded"
            run(client, sql)
            assert run(client, sql)[0].total_records == 1
            edit(config, "cache:\n  enabled: false\n", server, "configuration reloaded; applied [cache.enabled]")
            assert metric(server, "bridge_result_cache_entries") == 0
            assert run(client, sql)[0].total_records == -1
            assert run(client, sql)[0].total_records == -1
    finally:
        code = server.stop()
        assert code in (0, 143), server.log()
        assert "Arrow allocator released every buffer" in server.log(), server.log()


def test_a_file_dataset_is_cached_until_its_files_change_even_a_same_size_replacement(tmp_path):
    import os
    import textwrap
    import pyarrow.parquet as pq

    data = tmp_path / "data"
    (data / "trips").mkdir(parents=True)

    def write(name, ids, mtime=None):
        partial = data / "trips" / ("." + name + ".partial")
        pq.write_table(pa.table({"id": pa.array(ids, pa.int64())}), partial)
        os.replace(partial, data / "trips" / name)
        if mtime is not None:
            os.utime(data / "trips" / name, (mtime, mtime))

    write("a.parquet", [1, 2, 3])
    config = tmp_path / "bridge.yaml"
    config.write_text(textwrap.dedent(f"""\
        database:
          data_directories: ["{data}"]
        files:
          datasets:
            - name: trips
              paths: ["trips/*.parquet"]
        """))
    server = BridgeProcess(":memory:", extra_args=("--config", str(config)))
    client = server.client()
    try:
        sql = "SELECT sum(id) AS s, count(*) AS n FROM files.trips"
        url = f"{server.http_url}/v1/query"

        def rest():
            response = requests.get(url, params={"sql": sql, "format": "ndjson"})
            assert response.status_code == 200, response.text
            lines = [json.loads(line) for line in response.text.splitlines() if line.strip()]
            return [tuple(row) for line in lines if line["type"] == "data" for row in line["rows"]]

        def hits():
            return metric(server, "bridge_result_cache_hits_total")

        assert run(client, sql)[1].to_pylist() == [{"s": 6, "n": 3}]
        before = hits()
        assert run(client, sql)[1].to_pylist() == [{"s": 6, "n": 3}]
        assert hits() == before + 1, "a dataset's answer is cached"
        # REST's batches are smaller than Flight's: its first request records its own entry, the second replays it.
        assert rest() == [(6, 3)]
        assert rest() == [(6, 3)]
        assert hits() == before + 2

        # Same size, other rows (the same Parquet layout); its modification time is set apart explicitly, since a
        # coarse file-system clock could stamp both writes alike.
        old = os.stat(data / "trips" / "a.parquet")
        write("a.parquet", [4, 5, 6], mtime=old.st_mtime + 2)
        assert os.stat(data / "trips" / "a.parquet").st_size == old.st_size
        counted = hits()
        assert run(client, sql)[1].to_pylist() == [{"s": 15, "n": 3}]
        assert hits() == counted, "a changed file is a miss"
        assert run(client, sql)[1].to_pylist() == [{"s": 15, "n": 3}]
        assert hits() == counted + 1

        # Rewritten in place (no rename, so no directory changes) and read at once through REST.
        with open(data / "trips" / "a.parquet", "r+b") as rewritten:
            pq.write_table(pa.table({"id": pa.array([7, 8, 9], pa.int64())}), rewritten)
        os.utime(data / "trips" / "a.parquet", (old.st_mtime + 4, old.st_mtime + 4))
        counted = hits()
        assert rest() == [(24, 3)]
        assert run(client, sql)[1].to_pylist() == [{"s": 24, "n": 3}]
        assert hits() == counted, "both doors' entries were dropped"

        # A new file is read at the next query, not from the cache.
        write("b.parquet", [100])
        assert run(client, sql, OFF)[1].to_pylist() == [{"s": 124, "n": 4}]
        assert run(client, sql)[1].to_pylist() == [{"s": 124, "n": 4}]
    finally:
        client.close()
        server.stop_cleanly()
