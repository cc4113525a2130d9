"""The statement queue (limits.max_running_statements) under a real server process, through pyarrow.flight and HTTP:
a burst runs within the limit, a statement that waits too long gets RESOURCE_EXHAUSTED (HTTP 503 with Retry-After),
a cancelled waiter leaves at once, tiny statements pass big ones, and a reloaded limit applies to waiting
statements."""
import re
import threading
import time

import pyarrow.flight as flight
import pytest
import requests

import flightsql as fs
from conftest import BridgeProcess
from test_ops import edit, query_log, wait_for

# Runs until cancelled: it holds its place in the queue for as long as the test wants.
ENDLESS = "SELECT sum(hash(range)) AS s FROM range(1000000000000)"


def start(tmp_path, limits):
    config = tmp_path / "bridge.yaml"
    config.write_text("limits:\n" + "".join(f"  {key}: {value}\n" for key, value in limits.items()))
    server = BridgeProcess(":memory:", extra_args=("--config", str(config)))
    wait_for(lambda: "watching" in server.log())
    return server, config


def metric(server, name, labels=""):
    text = requests.get(f"{server.http_url}/metrics", timeout=10).text
    match = re.search(rf"^{re.escape(name)}{re.escape(labels)} ([0-9.eE+-]+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def run(client, sql, options=None):
    options = options or flight.FlightCallOptions()
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql), options)
    return client.do_get(info.endpoints[0].ticket, options).read_all()


class Holder:
    """A client whose endless query holds one place until its call's deadline cancels it."""

    def __init__(self, server, seconds):
        self.client = server.client()
        self.error = None
        self.thread = threading.Thread(target=self._run, args=(seconds,), daemon=True)
        self.thread.start()

    def _run(self, seconds):
        try:
            run(self.client, ENDLESS, flight.FlightCallOptions(timeout=seconds))
        except flight.FlightError as e:
            self.error = e

    def join(self):
        self.thread.join(timeout=60)
        self.client.close()


def stop(server):
    code = server.stop()
    assert code in (0, 143), server.log()
    assert "Arrow allocator released every buffer" in server.log(), server.log()


def test_a_statement_that_waits_past_the_queue_timeout_gets_resource_exhausted(tmp_path):
    server, _ = start(tmp_path, {"max_running_statements": 1, "queue_timeout": "1s", "small_statement_slots": 1})
    try:
        holder = Holder(server, seconds=8)
        assert wait_for(lambda: metric(server, "bridge_statements_running") == 1)
        with server.client() as client:
            started = time.monotonic()
            with fs.expect_status("RESOURCE_EXHAUSTED", "limits.max_running_statements"):
                run(client, "SELECT count(*) AS n FROM range(10) -- queue-timeout-flight")
            assert 0.9 < time.monotonic() - started < 15
            # A statement that reads no table uses a small place instead of waiting behind the scan.
            assert run(client, "SELECT 42 AS answer").to_pydict() == {"answer": [42]}
        response = requests.get(f"{server.http_url}/v1/query",
                                params={"sql": "SELECT count(*) FROM range(10) -- queue-timeout-http"}, timeout=30)
        assert response.status_code == 503, response.text
        assert int(response.headers["Retry-After"]) >= 1
        body = response.json()["error"]
        assert body["code"] == "RESOURCE_EXHAUSTED" and "limits.queue_timeout" in body["message"]
        assert metric(server, "bridge_statement_queue_rejected_total", '{reason="timeout"}') == 2
        assert metric(server, "bridge_statements_queued") == 0
        # The query log records how long each waited.
        logged = wait_for(lambda: query_log(server, "queue-timeout-flight"))
        assert logged and logged[-1]["outcome"] != "ok" and logged[-1]["queued_ms"] >= 900
        holder.join()
    finally:
        stop(server)


def test_a_waiting_statement_whose_client_cancels_leaves_the_queue_at_once(tmp_path):
    server, _ = start(tmp_path, {"max_running_statements": 1, "queue_timeout": "60s"})
    try:
        holder = Holder(server, seconds=6)
        assert wait_for(lambda: metric(server, "bridge_statements_running") == 1)
        with server.client() as client:
            info = client.get_flight_info(flight.FlightDescriptor.for_command("SELECT count(*) FROM range(10)"))
            started = time.monotonic()
            # The call's deadline cancels it on the server as a client's cancel does.
            with pytest.raises(flight.FlightTimedOutError):
                client.do_get(info.endpoints[0].ticket, flight.FlightCallOptions(timeout=1.0)).read_all()
            assert wait_for(lambda: metric(server, "bridge_statement_queue_rejected_total",
                                           '{reason="cancelled"}') == 1, timeout=5)
            assert time.monotonic() - started < 10
            assert metric(server, "bridge_statements_queued") == 0
            assert metric(server, "bridge_statements_running") == 1
        holder.join()
    finally:
        stop(server)


def test_a_burst_of_scans_all_completes_within_the_limit(tmp_path):
    server, _ = start(tmp_path, {"max_running_statements": 2, "queue_timeout": "120s"})
    try:
        with server.client() as client:
            run(client, "CREATE TABLE burst AS SELECT range AS id, hash(range) % 1000 AS k FROM range(300000)")
        seen = {"running": 0.0, "queued": 0.0}
        done = threading.Event()

        def watch():
            while not done.is_set():
                seen["running"] = max(seen["running"], metric(server, "bridge_statements_running"))
                seen["queued"] = max(seen["queued"], metric(server, "bridge_statements_queued"))
                time.sleep(0.02)

        results, errors = [], []

        def scan(i):
            try:
                with server.client() as client:
                    table = run(client, f"SELECT k, count(*) AS n, max(id) AS top FROM burst WHERE id % 8 <> {i}"
                                        " GROUP BY k ORDER BY k")
                    results.append(table.num_rows)
            except Exception as e:  # noqa: BLE001 - every failure is reported below
                errors.append(e)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        threads = [threading.Thread(target=scan, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        done.set()
        watcher.join()
        assert errors == []
        assert results == [1000] * 8
        assert seen["running"] <= 2
        assert seen["queued"] >= 1
        assert metric(server, "bridge_statement_queue_wait_seconds_count", '{lane="main"}') >= 8
        assert metric(server, "bridge_statements_max_running") == 2
    finally:
        stop(server)


def test_a_raised_limit_lets_waiting_statements_in_at_once(tmp_path):
    server, config = start(tmp_path, {"max_running_statements": 1, "queue_timeout": "60s"})
    try:
        holder = Holder(server, seconds=8)
        assert wait_for(lambda: metric(server, "bridge_statements_running") == 1)
        answer = {}

        def waiter():
            with server.client() as client:
                answer["table"] = run(client, "SELECT count(*) AS n FROM range(10)")

        thread = threading.Thread(target=waiter, daemon=True)
        thread.start()
        assert wait_for(lambda: metric(server, "bridge_statements_queued") == 1)
        edit(config, "limits:\n  max_running_statements: 2\n  queue_timeout: 60s\n", server,
             "configuration reloaded; applied [limits.max_running_statements]")
        thread.join(timeout=20)
        assert answer["table"].to_pydict() == {"n": [10]}
        assert metric(server, "bridge_statements_max_running") == 2
        holder.join()
    finally:
        stop(server)
