"""Result compression chosen by pyarrow clients (header x-bridge-compression, flight.compression in the config), and
DoGet tickets that are SQL text (one round trip)."""
import concurrent.futures
import hashlib
import re

import pyarrow as pa
import pyarrow.flight as flight
import pytest
import requests

from conftest import BridgeProcess

QUERY = "SELECT i, md5(i::VARCHAR) AS h, i * 0.5 AS half FROM range(300000) t(i)"


def options(codec):
    return flight.FlightCallOptions(headers=[(b"x-bridge-compression", codec.encode())])


def read(client, sql, opts=None):
    opts = opts or flight.FlightCallOptions()
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql), opts)
    return client.do_get(info.endpoints[0].ticket, opts).read_all()


def compressed(server, codec, stage):
    text = requests.get(server.http_url + "/metrics", timeout=10).text
    match = re.search(r'^bridge_flight_compression_bytes_total\{codec="%s",stage="%s"\} (\S+)$' % (codec, stage),
                      text, re.M)
    return float(match.group(1)) if match else 0.0


@pytest.mark.parametrize("codec", ["zstd", "lz4", "gzip"])
def test_pyarrow_reads_every_codec_with_the_same_rows(bridge, client, codec):
    expected = read(client, QUERY, options("none"))
    before, after = compressed(bridge, codec, "before"), compressed(bridge, codec, "after")
    table = read(client, QUERY, options(codec))
    assert table.equals(expected)
    sent_in = compressed(bridge, codec, "before") - before
    sent_out = compressed(bridge, codec, "after") - after
    assert sent_in > 300_000 * 8
    assert sent_out < sent_in * 0.95, (codec, sent_in, sent_out)


def test_incompressible_buffers_arrive_intact(bridge, client):
    # random doubles barely shrink: Arrow's codec sends such a buffer raw (length prefix -1), as the format allows.
    sql = "SELECT random() AS r, i FROM range(100000) t(i)"
    table = read(client, sql, options("zstd"))
    assert table.num_rows == 100000
    assert table.column("i").to_pylist() == list(range(100000))
    assert len(set(table.column("r").to_pylist())) > 99000


def test_an_unknown_codec_is_invalid_argument_naming_the_accepted_ones(client):
    with pytest.raises(pa.ArrowInvalid) as failure:
        read(client, "SELECT 1", options("brotli"))
    assert "x-bridge-compression" in str(failure.value)
    assert "use zstd, lz4, gzip or none" in str(failure.value)


def test_a_client_that_goes_away_mid_stream_leaks_nothing(tmp_path):
    server = BridgeProcess(":memory:")
    try:
        client = server.client()
        for codec in ("zstd", "lz4", "gzip"):
            sql = "SELECT i, md5(i::VARCHAR) AS h FROM range(20000000) t(i)"
            info = client.get_flight_info(flight.FlightDescriptor.for_command(sql), options(codec))
            reader = client.do_get(info.endpoints[0].ticket, options(codec))
            reader.read_chunk()
            reader.cancel()
        assert client.do_get(flight.Ticket(b"SELECT 7 AS n"), options("zstd")).read_all().column(0)[0].as_py() == 7
        client.close()
    finally:
        server.stop_cleanly()


def test_the_configured_default_applies_when_the_client_says_nothing(tmp_path):
    config = tmp_path / "bridge.yaml"
    config.write_text("flight:\n  compression: zstd\n")
    server = BridgeProcess(":memory:", ["--config", str(config)])
    try:
        client = server.client()
        table = read(client, QUERY)
        assert table.num_rows == 300000
        zstd = compressed(server, "zstd", "before")
        assert zstd > 300_000 * 8
        read(client, QUERY, options("none"))
        assert compressed(server, "zstd", "before") == zstd
        client.close()
    finally:
        server.stop_cleanly()


def test_a_bad_configured_codec_stops_the_server_naming_the_key(tmp_path):
    config = tmp_path / "bridge.yaml"
    config.write_text("flight:\n  compression: brotli\n")
    with pytest.raises(RuntimeError) as failure:
        BridgeProcess(":memory:", ["--config", str(config)])
    assert "flight.compression" in str(failure.value)
    assert "unknown compression 'brotli'" in str(failure.value)


def test_many_small_batches_arrive_in_order_from_concurrent_compressed_streams(tmp_path):
    # 1,000-row batches: 300 per stream, compressed on the shared pool a few at a time while DuckDB exports the next
    # ones; six streams at once share the pool (and the zstd contexts). Every batch must arrive whole and in order,
    # and a stream cancelled after its first batch must give back every buffer still compressing.
    config = tmp_path / "bridge.yaml"
    config.write_text("flight:\n  batch_rows: 1000\n")
    server = BridgeProcess(":memory:", ["--config", str(config)])
    try:
        sql = "SELECT i, md5(i::VARCHAR) AS h, i * 0.5 AS half FROM range(300000) t(i) ORDER BY i"

        def stream(codec):
            client = server.client()
            try:
                chunks = list(client.do_get(flight.Ticket(sql.encode()), options(codec)))
            finally:
                client.close()
            return codec, [chunk.data for chunk in chunks]

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            results = list(pool.map(stream, ["zstd", "lz4", "zstd", "lz4", "gzip", "none"]))
        for codec, batches in results:
            assert len(batches) == 300, codec
            first = [batch.column("i")[0].as_py() for batch in batches]
            assert first == list(range(0, 300000, 1000)), codec
            table = pa.Table.from_batches(batches)
            assert table.column("i").to_pylist() == list(range(300000)), codec
            assert table.column("h")[123456].as_py() == hashlib.md5(b"123456").hexdigest(), codec

        client = server.client()
        for codec in ("zstd", "lz4"):
            reader = client.do_get(flight.Ticket(sql.encode()), options(codec))
            reader.read_chunk()
            reader.cancel()
        client.close()
    finally:
        server.stop_cleanly()


# ---- SQL text as the ticket: one round trip -------------------------------------------------------------------

def test_a_ticket_of_sql_text_runs_the_query_in_one_round_trip(client):
    table = client.do_get(flight.Ticket(b"SELECT 42 AS answer")).read_all()
    assert table.to_pydict() == {"answer": [42]}


def test_a_sql_ticket_takes_the_callers_compression(bridge, client):
    before = compressed(bridge, "zstd", "before")
    table = client.do_get(flight.Ticket(QUERY.encode()), options("zstd")).read_all()
    assert table.num_rows == 300000
    assert compressed(bridge, "zstd", "before") > before


def test_a_sql_ticket_that_changes_data_runs_once_and_streams_its_count(client):
    client.do_get(flight.Ticket(b"CREATE TABLE ticket_once (x INTEGER)")).read_all()
    counts = client.do_get(flight.Ticket(b"INSERT INTO ticket_once VALUES (1), (2), (3)")).read_all()
    assert counts.num_rows == 1
    assert client.do_get(flight.Ticket(b"SELECT count(*) AS n FROM ticket_once")).read_all().to_pydict() == {"n": [3]}


def test_a_sql_ticket_with_bad_sql_is_invalid_argument_with_duckdbs_message(client):
    with pytest.raises(pa.ArrowInvalid) as failure:
        client.do_get(flight.Ticket(b"SELEC 1")).read_all()
    assert "syntax error" in str(failure.value).lower()


def test_a_ticket_that_is_neither_sql_nor_flight_sql_is_invalid_argument(client):
    with pytest.raises(pa.ArrowInvalid) as failure:
        client.do_get(flight.Ticket(b"\xff\xfe\x00garbage")).read_all()
    assert "neither a Flight SQL ticket" in str(failure.value)
