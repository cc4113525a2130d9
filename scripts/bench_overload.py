#!/usr/bin/env python3
"""Overload benchmark (issue 20): N pyarrow clients each sort or group the same 3M-row table, all started at once,
against a fresh server with the default configuration (DuckDB memory_limit 1GB, started by scripts/bridge) with and
without the statement queue. "Without" sets limits.max_running_statements far above N, which is how every statement
ran before the queue existed. Each client's completion time counts from the common start; the server's peak RSS is
the kernel's VmHWM of its process. The phases alternate (without, with, without, with, ...) so that a change of the
machine's load hits both alike.

  scripts/bench_overload.py [--clients N] [--rows N] [--rounds N] [--results FILE]
"""
import argparse
import json
import os
import pathlib
import statistics
import sys
import tempfile
import threading
import time

import pyarrow.flight as flight

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "protocol-tests" / "python"))
import flightsql  # noqa: E402
from conftest import BridgeProcess  # noqa: E402
from bench_memory import status_kib  # noqa: E402

# Half the clients sort the whole table (a window over all rows), half group it by a key of ~rows distinct values;
# both need memory in proportion to the table and return one row, so the network plays no part.
SORT = "SELECT sum(v * rn) AS s FROM (SELECT v, row_number() OVER (ORDER BY v, label) AS rn FROM overload)"
GROUP = "SELECT count(*) AS groups, sum(n) AS n FROM (SELECT k, count(*) AS n, max(label) AS m FROM overload GROUP BY k)"
CREATE = ("CREATE TABLE overload AS SELECT range AS id, hash(range) % {rows} AS k, random() AS v,"
          " 'label-' || (range % 100000) AS label FROM range({rows})")


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def run_clients(server, clients):
    start = threading.Barrier(clients + 1)
    finished = [None] * clients
    errors = [None] * clients

    def client(i):
        sql = SORT if i % 2 == 0 else GROUP
        connection = flight.connect(server.uri)
        try:
            start.wait()
            began = time.perf_counter()
            info = connection.get_flight_info(flightsql.statement_query(sql))
            connection.do_get(info.endpoints[0].ticket).read_all()
            finished[i] = time.perf_counter() - began
        except Exception as e:  # noqa: BLE001 - every failure is counted and its message kept
            errors[i] = str(e).splitlines()[0][:200]
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, [t for t in finished if t is not None], [e for e in errors if e is not None]


def phase(name, database, config_text, clients, rows):
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as config:
        config.write(config_text)
    server = BridgeProcess(database, extra_args=("--config", config.name),
                           launcher=[str(ROOT / "scripts" / "bridge")])
    load_before = loadavg()
    try:
        makespan, times, errors = run_clients(server, clients)
        peak_rss_mb = status_kib(server.proc.pid, "VmHWM") / 1024
    finally:
        server.stop()
        os.unlink(config.name)
    result = {"section": "overload", "case": name, "clients": clients, "rows": rows,
              "completed": len(times), "errors": len(errors),
              "p50_s": round(statistics.median(times), 2) if times else None,
              "p99_s": round(percentile(times, 0.99), 2) if times else None,
              "makespan_s": round(makespan, 2), "peak_rss_mb": round(peak_rss_mb, 1),
              "load_before": load_before, "load_after": loadavg(),
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "first_errors": sorted(set(errors))[:3]}
    print("RESULT " + json.dumps(result), flush=True)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--rounds", type=int, default=1, help="pairs of phases (without, with) to run")
    parser.add_argument("--results", help="append the results as JSON lines to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bridge-bench-overload-") as work:
        database = str(pathlib.Path(work) / "overload.duckdb")
        setup = BridgeProcess(database)
        try:
            with setup.client() as client:
                info = client.get_flight_info(flightsql.statement_query(CREATE.format(rows=args.rows)))
                client.do_get(info.endpoints[0].ticket).read_all()
        finally:
            setup.stop()
        results = []
        for _ in range(args.rounds):
            # A limit no burst reaches: every statement starts at once, as before the queue.
            results.append(phase("without the queue", database,
                                 f"limits:\n  max_running_statements: {args.clients * 100}\n", args.clients, args.rows))
            results.append(phase("with the queue (default limits)", database, "{}\n", args.clients, args.rows))
    if args.results:
        with open(args.results, "a") as out:
            for result in results:
                out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
