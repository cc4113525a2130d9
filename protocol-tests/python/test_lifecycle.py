"""The server process itself: bundled extensions, SIGTERM with a stream in flight, a restart on the same file."""
import pathlib
import subprocess
import threading

import pyarrow.flight as flight

from conftest import JAR, BridgeProcess


def query(client, sql):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql))
    return client.do_get(info.endpoints[0].ticket).read_all()


def test_bundled_parquet_json_and_icu_work_without_any_download(client, data_dir):
    parquet = data_dir / "t.parquet"
    json_file = data_dir / "t.json"
    query(client, f"COPY (SELECT range AS i FROM range(5)) TO '{parquet}' (FORMAT parquet)")
    assert query(client, f"SELECT sum(i) AS s FROM read_parquet('{parquet}')").to_pylist() == [{"s": 10}]
    json_file.write_text('{"a": 1}\n{"a": 2}\n')
    assert query(client, f"SELECT sum(a) AS s FROM read_json_auto('{json_file}')").to_pylist() == [{"s": 3}]
    # ICU: time zone arithmetic.
    table = query(client, "SELECT (TIMESTAMPTZ '2024-01-01 12:00:00+00' AT TIME ZONE 'Asia/Tokyo')::VARCHAR AS t")
    assert table.to_pylist() == [{"t": "2024-01-01 21:00:00"}]
    settings = query(client, "SELECT value FROM duckdb_settings() WHERE name = 'autoinstall_known_extensions'")
    assert settings.to_pylist() == [{"value": "false"}]


def test_sigterm_lets_a_running_stream_end_and_checkpoints(tmp_path):
    database = tmp_path / "bridge.duckdb"
    server = BridgeProcess(str(database))
    client = server.client()
    query(client, "CREATE TABLE kept AS SELECT range AS i FROM range(100000)")
    info = client.get_flight_info(flight.FlightDescriptor.for_command("SELECT * FROM range(20000000)"))
    reader = client.do_get(info.endpoints[0].ticket)
    reader.read_chunk()
    outcome = {}

    def read_rest():
        try:
            rows = 0
            for chunk in reader:
                rows += chunk.data.num_rows
            outcome["rows"] = rows
        except flight.FlightError as error:
            outcome["error"] = error

    thread = threading.Thread(target=read_rest)
    thread.start()
    code = server.stop()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the stream hung after SIGTERM"
    assert outcome, "the stream neither finished nor failed"
    assert code in (0, 143), server.log()
    assert "Arrow allocator released every buffer" in server.log(), server.log()
    # DuckDB was checkpointed on the way out: no write-ahead log is left to replay.
    assert not pathlib.Path(str(database) + ".wal").exists()

    again = BridgeProcess(str(database))
    try:
        assert query(again.client(), "SELECT count(*) AS n FROM kept").to_pylist() == [{"n": 100000}]
    finally:
        again.stop()


def test_a_bad_configuration_refuses_to_start_and_names_the_key(tmp_path):
    config = tmp_path / "bridge.yaml"
    config.write_text("flight:\n  port: 99999\n")
    result = subprocess.run(
        ["java", "--add-opens=java.base/java.nio=ALL-UNNAMED", "-jar", str(JAR), "serve", "--config", str(config)],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "flight.port" in result.stderr


def test_help_and_version(tmp_path):
    for args, expected in ((["--help"], "serve"), (["--version"], "bridge "), (["serve", "--help"], "--database")):
        result = subprocess.run(["java", "--add-opens=java.base/java.nio=ALL-UNNAMED", "-jar", str(JAR), *args],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert expected in result.stdout
