"""The REST sidecar of a real server process, driven with requests, zstandard and pyarrow.ipc."""
import csv
import io
import json
import time
import zlib
from decimal import Decimal

import pyarrow as pa
import pyarrow.ipc as ipc
import pytest
import requests
import zstandard

from conftest import BridgeProcess

ENDLESS = "SELECT range AS i, range * 2 AS j FROM range(10000000000)"
# The failing rows come late enough that DuckDB's parallel scan has produced the first batch before it meets them.
MID_STREAM_ERROR = ("SELECT CASE WHEN range < 5000000 THEN range::VARCHAR ELSE 'x' END::INTEGER AS v "
                    "FROM range(10000000)")


@pytest.fixture(scope="module")
def rest():
    """A server of its own, so that session counts are the REST tests' alone."""
    server = BridgeProcess(":memory:")
    yield server
    server.stop_cleanly()


def url(rest, path):
    return rest.http_url + path


def ndjson(response):
    return [json.loads(line, parse_float=Decimal) for line in response.text.splitlines()]


def post_query(rest, body, **kwargs):
    return requests.post(url(rest, "/v1/query"), json=body, **kwargs)


def wait_for_no_sessions(rest):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if requests.get(url(rest, "/health")).json()["sessions"] == 0:
            return
        time.sleep(0.1)
    pytest.fail("sessions were left open:\n" + rest.log())


def test_ready_line_names_the_http_port(rest):
    assert rest.http_port and rest.http_port != rest.port


def test_get_query_streams_ndjson(rest):
    response = requests.get(url(rest, "/v1/query"), params={"sql": "SELECT range AS i FROM range(5)", "chunk_rows": 2})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-ndjson"
    lines = ndjson(response)
    assert lines[0] == {"type": "metadata", "columns": [{"name": "i", "type": "BIGINT"}]}
    assert [line["rows"] for line in lines[1:4]] == [[[0], [1]], [[2], [3]], [[4]]]
    assert lines[4]["type"] == "end" and lines[4]["rows"] == 5 and lines[4]["elapsed_ms"] >= 0


def test_post_query_binds_params_exactly(rest):
    response = post_query(rest, {"sql": "SELECT ?::HUGEINT * 10 AS h, ?::DECIMAL(38,10) AS d, ? AS s",
                                 "params": [17014118346046923173168730371588410572, "1.0000000001", "ü"]})
    assert response.status_code == 200, response.text
    assert ndjson(response)[1]["rows"] == [[170141183460469231731687303715884105720, Decimal("1.0000000001"), "ü"]]


def test_types_map_as_documented(rest):
    sql = ("SELECT 18446744073709551615::UBIGINT AS u, 12345678901234567890.123456789::DECIMAL(38,9) AS d, "
           "TIMESTAMP '2024-01-02 03:04:05.123456' AS ts, TIMESTAMPTZ '2024-01-02 03:04:05+02' AS tz, "
           "DATE '2024-02-29' AS day, '\\x00\\xFF'::BLOB AS b, [1, NULL] AS l, {'a': 'x'} AS st, MAP {1: 'one'} AS m, "
           "INTERVAL '3 days' AS iv, 'e1'::ENUM('e1', 'e2') AS e, 'b1d6c6f0-8e5d-4b0e-9a4c-2f1e0b7f9a11'::UUID AS id")
    lines = ndjson(requests.get(url(rest, "/v1/query"), params={"sql": sql}))
    assert lines[1]["rows"][0] == [
        18446744073709551615, Decimal("12345678901234567890.123456789"), "2024-01-02T03:04:05.123456",
        "2024-01-02T01:04:05Z", "2024-02-29", "AP8=", [1, None], {"a": "x"}, [{"key": 1, "value": "one"}],
        {"months": 0, "days": 3, "nanoseconds": 0}, "e1", "b1d6c6f0-8e5d-4b0e-9a4c-2f1e0b7f9a11"]


def test_mid_stream_error_is_the_last_line(rest):
    response = requests.get(url(rest, "/v1/query"), params={"sql": MID_STREAM_ERROR})
    assert response.status_code == 200
    lines = ndjson(response)
    assert lines[0]["type"] == "metadata"
    assert sum(len(line["rows"]) for line in lines if line["type"] == "data") > 0
    assert lines[-1]["type"] == "error"
    assert "Could not convert string 'x'" in lines[-1]["message"]


def test_error_before_first_byte_is_an_http_error(rest):
    response = requests.get(url(rest, "/v1/query"), params={"sql": "SELECT 'a'::INTEGER"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_ARGUMENT"


def test_csv_has_a_header(rest):
    response = requests.get(url(rest, "/v1/query"),
                            params={"sql": "SELECT range AS i, 'v,' || range AS s, NULL AS n FROM range(3)",
                                    "format": "csv"})
    assert response.headers["Content-Type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(response.text))) == [["i", "s", "n"], ["0", "v,0", ""], ["1", "v,1", ""],
                                                            ["2", "v,2", ""]]


@pytest.mark.parametrize("compression", ["none", "zstd", "lz4"])
def test_arrow_ipc_stream(rest, compression):
    response = requests.get(url(rest, "/v1/query"), params={
        "sql": "SELECT range AS i, range::VARCHAR AS s FROM range(100000)", "format": "arrow",
        "compression": compression})
    assert response.headers["Content-Type"] == "application/vnd.apache.arrow.stream"
    table = ipc.open_stream(response.content).read_all()
    assert table.schema.field("i").type == pa.int64()
    assert table.num_rows == 100000
    assert table.column("i").to_pylist()[-1] == 99999


def test_arrow_by_accept_header(rest):
    response = requests.get(url(rest, "/v1/query"), params={"sql": "SELECT 42 AS answer"},
                            headers={"Accept": "application/vnd.apache.arrow.stream"})
    assert ipc.open_stream(response.content).read_all().to_pydict() == {"answer": [42]}


def first_lines_decoded_incrementally(raw, decompressor):
    """Reads compressed bytes as they arrive and decodes them until two whole lines are there."""
    text = b""
    while text.count(b"\n") < 2:
        chunk = raw.read(1024, decode_content=False)
        assert chunk, "the body ended before two lines"
        text += decompressor.decompress(chunk)
    return [json.loads(line) for line in text.split(b"\n")[:2]]


def test_zstd_decodes_while_the_query_runs(rest):
    with requests.get(url(rest, "/v1/query"), params={"sql": ENDLESS}, headers={"Accept-Encoding": "zstd"},
                      stream=True) as response:
        assert response.headers["Content-Encoding"] == "zstd"
        metadata, data = first_lines_decoded_incrementally(response.raw, zstandard.ZstdDecompressor().decompressobj())
    assert metadata["type"] == "metadata"
    assert data["rows"][0] == [0, 0]
    wait_for_no_sessions(rest)


def test_gzip_decodes_while_the_query_runs(rest):
    with requests.get(url(rest, "/v1/query"), params={"sql": ENDLESS}, headers={"Accept-Encoding": "gzip"},
                      stream=True) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        metadata, data = first_lines_decoded_incrementally(response.raw, zlib.decompressobj(16 + zlib.MAX_WBITS))
    assert data["rows"][1] == [1, 2]
    wait_for_no_sessions(rest)


def test_disconnect_cancels_the_query(rest):
    with requests.get(url(rest, "/v1/query"), params={"sql": ENDLESS}, stream=True) as response:
        assert len(response.raw.read(8192)) == 8192
        assert requests.get(url(rest, "/health")).json()["sessions"] == 1
    wait_for_no_sessions(rest)
    assert "client went away" in rest.log()


def test_tables_and_table(rest):
    assert post_query(rest, {"sql": "CREATE TABLE py_items(id INTEGER NOT NULL, name VARCHAR)"}).status_code == 200
    tables = requests.get(url(rest, "/v1/tables")).json()["tables"]
    assert {"database": "memory", "schema": "main", "name": "py_items", "kind": "TABLE",
            "columns": [{"name": "id", "type": "INTEGER", "nullable": False},
                        {"name": "name", "type": "VARCHAR", "nullable": True}]} in tables
    table = requests.get(url(rest, "/v1/tables/py_items")).json()
    assert [column["name"] for column in table["columns"]] == ["id", "name"]


def test_health(rest):
    response = requests.get(url(rest, "/health"))
    assert response.status_code == 200
    assert response.json()["live"] is True and response.json()["ready"] is True


@pytest.mark.parametrize("send, status, message", [
    (lambda u: requests.post(u + "/v1/query", data="{oops", headers={"Content-Type": "application/json"}),
     400, "not valid JSON"),
    (lambda u: requests.post(u + "/v1/query", json={"params": [1]}), 400, "missing 'sql'"),
    (lambda u: requests.get(u + "/v1/query", params={"sql": "SELECT 1", "format": "parquet"}), 400,
     "unknown format 'parquet'"),
    (lambda u: requests.get(u + "/v1/tables/nope"), 404, "no table or view named 'nope'"),
    (lambda u: requests.post(u + "/v1/query", json={"sql": "SELECT '" + "x" * (2 << 20) + "'"}), 413,
     "max_body_bytes"),
    (lambda u: requests.post(u + "/v1/query", data="SELECT 1", headers={"Content-Type": "text/plain"}), 415,
     "must be application/json"),
    (lambda u: requests.get(u + "/v1/query", params={"sql": "SELECT 1", "chunk_rows": "-1"}), 400, "chunk_rows"),
    (lambda u: requests.get(u + "/nowhere"), 404, "no route /nowhere"),
    (lambda u: requests.put(u + "/v1/query"), 405, "not allowed"),
], ids=["malformed-json", "missing-sql", "unknown-format", "unknown-table", "oversized-body", "wrong-content-type",
        "bad-chunk-rows", "unknown-route", "wrong-method"])
def test_bad_input(rest, send, status, message):
    response = send(rest.http_url)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["status"] == status and message in error["message"]


def arrow_body(rows, compression=None):
    table = pa.table({"id": pa.array(range(rows), pa.int64()), "name": [f"n{i}" for i in range(rows)]})
    sink = io.BytesIO()
    with ipc.new_stream(sink, table.schema, options=ipc.IpcWriteOptions(compression=compression)) as writer:
        writer.write_table(table, max_chunksize=1000)
    return sink.getvalue()


ARROW_HEADERS = {"Content-Type": "application/vnd.apache.arrow.stream"}


def count_rows(rest, table):
    return ndjson(requests.get(url(rest, "/v1/query"), params={"sql": f"SELECT count(*) FROM {table}"}))[1]["rows"][0][0]


@pytest.mark.parametrize("compression", [None, "zstd", "lz4"])
def test_upload_arrow_modes(rest, compression):
    table = f"py_upload_{compression or 'plain'}"
    body = arrow_body(5000, compression)
    response = requests.post(url(rest, f"/v1/tables/{table}"), params={"mode": "create"}, data=body,
                             headers=ARROW_HEADERS)
    assert response.json() == {"table": table, "mode": "create", "rows": 5000}
    assert requests.post(url(rest, f"/v1/tables/{table}"), params={"mode": "append"}, data=body,
                         headers=ARROW_HEADERS).status_code == 200
    assert count_rows(rest, table) == 10000
    assert requests.post(url(rest, f"/v1/tables/{table}"), params={"mode": "replace"}, data=arrow_body(10),
                         headers=ARROW_HEADERS).json()["rows"] == 10
    assert count_rows(rest, table) == 10


def test_broken_upload_lands_nothing(rest):
    requests.post(url(rest, "/v1/tables/py_atomic"), params={"mode": "create"}, data=arrow_body(100),
                  headers=ARROW_HEADERS).raise_for_status()
    body = arrow_body(20000)
    response = requests.post(url(rest, "/v1/tables/py_atomic"), params={"mode": "append"},
                             data=body[:len(body) // 2], headers=ARROW_HEADERS)
    assert response.status_code == 400
    assert count_rows(rest, "py_atomic") == 100


@pytest.mark.parametrize("path, body, headers, status, message", [
    ("/v1/tables/py_bad", b"not arrow", ARROW_HEADERS, 400, "not an Arrow IPC stream"),
    ("/v1/tables/py_bad", b"x", {"Content-Type": "application/json"}, 415, "application/vnd.apache.arrow.stream"),
    ("/v1/tables/py_bad?mode=upsert", None, ARROW_HEADERS, 400, "unknown ingest mode 'upsert'"),
    ("/v1/tables/py_missing?mode=append", None, ARROW_HEADERS, 404, "py_missing"),
], ids=["not-arrow", "wrong-content-type", "unknown-mode", "append-to-missing-table"])
def test_bad_upload(rest, path, body, headers, status, message):
    response = requests.post(url(rest, path), data=arrow_body(10) if body is None else body, headers=headers)
    assert response.status_code == status, response.text
    assert message in response.json()["error"]["message"]


def test_no_http_flag_turns_the_sidecar_off():
    server = BridgeProcess(":memory:", extra_args=["--no-http"])
    try:
        assert server.http_port is None
        assert "HTTP off" in server.log()
    finally:
        assert server.stop() in (0, 143), server.log()
