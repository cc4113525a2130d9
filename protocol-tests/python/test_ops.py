"""Operations against a real server process: the JSON query log, and configuration edits under a running server."""
import json
import os
import time
import uuid

import pyarrow.flight as flight
import pytest
import requests

import flightsql
from conftest import BridgeProcess


def wait_for(predicate, timeout=15.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return predicate()


def query_log(server, marker):
    """The query log lines (JSON objects) whose statement contains marker."""
    found = []
    for line in list(server.log_lines):
        if line.startswith("{") and marker in line:
            event = json.loads(line)
            if event.get("logger") == "bridge.query":
                found.append(event)
    return found


# ---- Query log ---------------------------------------------------------------------------------------------------

def test_every_statement_is_in_the_query_log_when_the_server_stops_right_after_it():
    # The query log is written by a thread of its own (an AsyncAppender): what is still queued at SIGTERM is written
    # out before the process exits.
    server = BridgeProcess(":memory:")
    marker = "qlstop_" + uuid.uuid4().hex[:8]
    try:
        client = server.client()
        for i in range(300):
            info = client.get_flight_info(flight.FlightDescriptor.for_command(f"SELECT {i} AS {marker}"))
            assert client.do_get(info.endpoints[0].ticket).read_all().num_rows == 1
    finally:
        server.stop_cleanly()
    assert sorted(event["statement"] for event in query_log(server, marker)) == sorted(
        f"SELECT {i} AS {marker}" for i in range(300))


def test_a_pyarrow_query_writes_one_json_line(bridge, client):
    marker = "ql_" + uuid.uuid4().hex[:8]
    sql = f"SELECT range AS {marker} FROM range(25)"
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql))
    assert client.do_get(info.endpoints[0].ticket).read_all().num_rows == 25
    events = wait_for(lambda: query_log(bridge, marker))
    assert len(events) == 1, events
    event = events[0]
    assert event["message"] == "query"
    assert event["level"] == "INFO"
    assert event["user"] == "anonymous"
    assert event["session"].startswith("peer:")
    assert event["protocol"] == "flight"
    assert event["kind"] == "query"
    assert event["statement"] == sql
    assert event["rows"] == 25
    assert event["bytes"] >= 25 * 8
    assert event["duration_ms"] >= 0
    assert event["outcome"] == "ok"
    assert "error" not in event
    assert "time" in event


def test_a_failed_statement_is_logged_with_its_error(bridge, client):
    marker = "qlerr_" + uuid.uuid4().hex[:8]
    with flightsql.expect_status("NOT_FOUND", marker):
        client.get_flight_info(flight.FlightDescriptor.for_command(f"SELECT * FROM {marker}"))
    events = wait_for(lambda: query_log(bridge, marker))
    assert len(events) == 1, events
    assert events[0]["outcome"] == "error"
    assert marker in events[0]["error"] and "does not exist" in events[0]["error"]


def test_rest_queries_are_logged_too(bridge):
    marker = "qlrest_" + uuid.uuid4().hex[:8]
    response = requests.get(f"{bridge.http_url}/v1/query", params={"sql": f"SELECT 1 AS {marker}"})
    assert response.status_code == 200
    events = wait_for(lambda: query_log(bridge, marker))
    assert [(e["protocol"], e["kind"], e["rows"], e["outcome"]) for e in events] == [("http", "query", 1, "ok")]
    assert events[0]["session"].startswith("http-request:")


# ---- Configuration reload ----------------------------------------------------------------------------------------

@pytest.fixture()
def configured(tmp_path):
    """A server started with --config on a file the test edits."""
    config = tmp_path / "bridge.yaml"
    config.write_text("http:\n  chunk_rows: 1000\n")
    server = BridgeProcess(":memory:", extra_args=("--config", str(config)))
    wait_for(lambda: "watching" in server.log())
    yield server, config
    server.stop_cleanly()


def data_lines(server, rows=5):
    response = requests.get(f"{server.http_url}/v1/query", params={"sql": f"SELECT range FROM range({rows})"})
    assert response.status_code == 200
    return sum(1 for line in response.text.splitlines() if json.loads(line)["type"] == "data")


def edit(config, text, server, expected_log):
    """Writes the file in place, as most editors do, and waits for the server's log line about it."""
    seen = server.log().count(expected_log)
    config.write_text(text)
    assert wait_for(lambda: server.log().count(expected_log) > seen), server.log()


def test_a_valid_edit_applies_without_a_restart(configured):
    server, config = configured
    assert data_lines(server) == 1
    edit(config, "http:\n  chunk_rows: 2\n", server, "configuration reloaded; applied [http.chunk_rows]")
    assert data_lines(server) == 3


def test_an_editor_that_replaces_the_file_by_rename_is_seen(configured):
    server, config = configured
    replacement = config.with_name("bridge.yaml.swp")
    replacement.write_text("http:\n  chunk_rows: 4\n")
    seen = server.log().count("configuration reloaded")
    os.replace(replacement, config)
    assert wait_for(lambda: server.log().count("configuration reloaded") > seen), server.log()
    assert data_lines(server) == 2


def test_an_invalid_edit_is_rejected_whole_and_names_the_key(configured):
    server, config = configured
    edit(config, "http:\n  chunk_rows: 2\n", server, "applied [http.chunk_rows]")
    edit(config, "http:\n  chunk_rows: 1\nsessions:\n  idle_timeout: soon\n", server,
         "configuration reload rejected")
    rejected = [line for line in server.log_lines if "configuration reload rejected" in line][-1]
    assert "sessions.idle_timeout" in rejected
    assert "the running configuration stays" in rejected
    assert data_lines(server) == 3  # chunk_rows is still 2: the valid part of the edit was not applied either
    edit(config, "http:\n  chunk_rows: 1\n  nonsense: 3\n", server, "configuration reload rejected")
    assert "unknown key 'http.nonsense'" in [l for l in server.log_lines if "reload rejected" in l][-1]
    assert data_lines(server) == 3


def test_a_setting_that_needs_a_restart_is_reported_and_not_applied(configured):
    server, config = configured
    edit(config, "http:\n  chunk_rows: 1000\n  max_body_bytes: 4096\nflight:\n  batch_rows: 10\n", server,
         "needs a restart")
    line = [l for l in server.log_lines if "needs a restart" in l][-1]
    assert "flight.batch_rows" in line
    assert "http.max_body_bytes" not in line
    # Still the same server on the same port, still streaming whole batches.
    with flight.connect(server.uri) as client:
        info = client.get_flight_info(flight.FlightDescriptor.for_command("SELECT range FROM range(100)"))
        batches = list(client.do_get(info.endpoints[0].ticket))
        assert [batch.data.num_rows for batch in batches] == [100]


def test_log_levels_and_session_timeouts_apply_at_once(configured):
    server, config = configured
    requests.get(f"{server.http_url}/v1/query", params={"sql": "SELECT 1"})
    assert "DEBUG" not in server.log()
    edit(config, "logging:\n  levels:\n    dev.bridge.engine: DEBUG\nsessions:\n  idle_timeout: 1s\n", server,
         "configuration reloaded")
    requests.get(f"{server.http_url}/v1/query", params={"sql": "SELECT 1"})
    assert wait_for(lambda: "DEBUG [" in server.log() and "dev.bridge.engine.Session - session http-request:"
                    in server.log()), server.log()
    response = requests.get(f"{server.http_url}/v1/query", params={"sql": "SELECT 1"},
                            headers={"X-Bridge-Session": "reload-test"})
    assert response.status_code == 200
    assert wait_for(lambda: "closing session http-session:reload-test after PT1S idle" in server.log(),
                    timeout=10), server.log()
