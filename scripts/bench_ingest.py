#!/usr/bin/env python3
"""Ingest benchmark: N lineitem-shaped rows through DoPut from pyarrow and from Arrow Java's FlightSqlClient,
beside the in-process DuckDB Arrow insert of the same batches (the limit). Each path runs once untimed (the JIT of
the Java client and of the server warms up; a loader's JVM is long-lived) and then RUNS times; the median counts.
Prints rows/s, ratios to the limit, and the server's peak resident memory while each client's streams run.

Run through scripts/bench-ingest, which builds the jar and the Java classpath."""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
import pyarrow as pa
import pyarrow.flight as flight

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "protocol-tests" / "python"))
import flightsql  # noqa: E402
from conftest import BridgeProcess  # noqa: E402

BATCH_ROWS = 65536


def lineitem_batch(start, rows, rng):
    """TPC-H lineitem's columns and types, random values."""
    flags = pa.array(["A", "N", "R"])
    status = pa.array(["F", "O"])
    instruct = pa.array(["DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"])
    modes = pa.array(["AIR", "FOB", "MAIL", "RAIL", "REG AIR", "SHIP", "TRUCK"])
    words = pa.array([f"carefully regular packages {i} sleep furiously" for i in range(1000)])
    ship = rng.integers(8036, 10561, rows, dtype=np.int32)
    return pa.record_batch({
        "l_orderkey": pa.array(np.arange(start, start + rows, dtype=np.int64) // 4),
        "l_partkey": pa.array(rng.integers(1, 2_000_000, rows, dtype=np.int64)),
        "l_suppkey": pa.array(rng.integers(1, 100_000, rows, dtype=np.int64)),
        "l_linenumber": pa.array((np.arange(start, start + rows) % 7 + 1).astype(np.int32)),
        "l_quantity": pa.array(rng.integers(1, 51, rows).astype(np.float64)),
        "l_extendedprice": pa.array(np.round(rng.random(rows) * 100000, 2)),
        "l_discount": pa.array(np.round(rng.random(rows) * 0.1, 2)),
        "l_tax": pa.array(np.round(rng.random(rows) * 0.08, 2)),
        "l_returnflag": flags.take(pa.array(rng.integers(0, 3, rows))),
        "l_linestatus": status.take(pa.array(rng.integers(0, 2, rows))),
        "l_shipdate": pa.array(ship, pa.date32()),
        "l_commitdate": pa.array(ship + 30, pa.date32()),
        "l_receiptdate": pa.array(ship + 15, pa.date32()),
        "l_shipinstruct": instruct.take(pa.array(rng.integers(0, 4, rows))),
        "l_shipmode": modes.take(pa.array(rng.integers(0, 7, rows))),
        "l_comment": words.take(pa.array(rng.integers(0, 1000, rows))),
    })


def write_data(path, rows):
    rng = np.random.default_rng(42)
    first = lineitem_batch(0, min(BATCH_ROWS, rows), rng)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, first.schema) as writer:
        writer.write_batch(first)
        done = first.num_rows
        while done < rows:
            batch = lineitem_batch(done, min(BATCH_ROWS, rows - done), rng)
            writer.write_batch(batch)
            done += batch.num_rows


class RssTimeline:
    """Samples a process's resident memory every 50 ms while a run goes on: the peak, overall and in each tenth of
    the run's time (the streams are steady, so a tenth of the time is about a tenth of the rows)."""

    def __init__(self, pid):
        self.pid = pid
        self.samples = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def rss(self):
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    @property
    def peak(self):
        return max(rss for _, rss in self.samples)

    def peak_by_tenth(self):
        """The peak within each tenth of the run: 0-10%, 10-20%, ... 90-100%."""
        end = self.samples[-1][0]
        peaks = [0] * 10
        for at, rss in self.samples:
            tenth = min(int(at / end * 10), 9) if end else 9
            peaks[tenth] = max(peaks[tenth], rss)
        return peaks

    def _sample(self):
        start = time.perf_counter()
        while not self._stop.is_set():
            self.samples.append((time.perf_counter() - start, self.rss()))
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def median_run(runs, seconds):
    """The run whose time is the median (the slower middle one of an even count)."""
    return sorted(runs, key=seconds)[len(runs) // 2]


def pyarrow_put(uri, data):
    client = flight.connect(uri)
    with pa.memory_map(str(data)) as source:
        reader = pa.ipc.open_stream(source)
        descriptor = flightsql.statement_ingest("lineitem_py", mode="replace")
        writer, metadata = client.do_put(descriptor, reader.schema)
        for batch in reader:
            writer.write_batch(batch)
        rows = flightsql.finish_put(writer, metadata)
    client.close()
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--classpath", required=True, help="classpath with protocol-tests' test classes")
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "bridge-bench-ingest"))
    parser.add_argument("--memory-limit", default="1GB",
                        help="DuckDB's memory_limit for the server (database.memory_limit, default 1GB as in "
                             "conf/bridge.yaml) and the in-process run alike; with the JVM it bounds the server's RSS")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per path, after one untimed warm-up run")
    parser.add_argument("--results", help="append one JSON line per run (section ingest) to this file")
    args = parser.parse_args()
    work = pathlib.Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    data = work / f"lineitem-{args.rows}.arrows"
    if not data.exists():
        print(f"writing {args.rows:,} lineitem rows to {data} ...", flush=True)
        write_data(data, args.rows)
    for stale in work.glob("server.duckdb*"):
        stale.unlink()

    java = ["java", "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", args.classpath, "dev.bridge.bench.IngestBench"]
    results = {}

    def java_runs(which, uri="grpc://127.0.0.1:1"):
        """The median run of IngestBench's timed runs of one path: (name, rows, seconds)."""
        out = subprocess.run(java + [str(data), uri, str(work), which, args.memory_limit, str(args.runs)],
                             check=True, capture_output=True, text=True)
        runs = [(name, int(rows), float(seconds))
                for name, rows, seconds in (line.split() for line in out.stdout.splitlines() if line.strip())]
        return median_run(runs, seconds=lambda run: run[2])

    def pyarrow_runs(uri):
        pyarrow_put(uri, data)
        runs = []
        for _ in range(args.runs):
            start = time.perf_counter()
            rows = pyarrow_put(uri, data)
            runs.append((rows, time.perf_counter() - start))
        return median_run(runs, seconds=lambda run: run[1])

    name, rows, seconds = java_runs("inprocess")
    results[name] = (rows, seconds, None)

    config = work / "bridge.yaml"
    config.write_text(f"database:\n  memory_limit: \"{args.memory_limit}\"\n")
    # Started as an operator would, through scripts/bridge: its JVM and malloc settings are part of the footprint.
    server = BridgeProcess(str(work / "server.duckdb"), ["--config", str(config)], launcher=[str(ROOT / "scripts" / "bridge")])
    try:
        baseline = RssTimeline(server.proc.pid).rss()
        with RssTimeline(server.proc.pid) as peak:
            rows, seconds = pyarrow_runs(server.uri)
            results["pyarrow_doput_flightsql_ingest"] = (rows, seconds, peak)
        # Arrow Java's FlightSqlClient.executeIngest, and the upload of `bridge ingest` (BulkIngestUpload), which
        # parks instead of busy-waiting while the transport is full.
        for which in ("flightsql", "upload"):
            with RssTimeline(server.proc.pid) as peak:
                name, rows, seconds = java_runs(which, server.uri)
                results[name] = (rows, seconds, peak)
    finally:
        server.stop()

    limit_rows, limit_seconds, _ = results["java_inprocess_duckdb"]
    limit_rate = limit_rows / limit_seconds
    size = data.stat().st_size
    print(f"\ningest benchmark: {args.rows:,} lineitem-shaped rows, 16 columns, IPC stream {size / 2**20:.0f} MiB, "
          f"{BATCH_ROWS}-row batches; Bridge on a database file, memory_limit '{args.memory_limit}' (in-process too); "
          f"server RSS before the streams "
          f"{baseline / 2**20:.0f} MiB")
    print(f"median of {args.runs} timed runs per path, each after one untimed run")
    print(f"{'run':34} {'rows':>12} {'seconds':>8} {'rows/s':>12} {'vs limit':>9} {'server peak RSS':>16}")
    for name, (rows, seconds, peak) in results.items():
        rss = f"{peak.peak / 2**20:.0f} MiB" if peak else "-"
        print(f"{name:34} {rows:>12,} {seconds:>8.2f} {rows / seconds:>12,.0f} {rows / seconds / limit_rate:>8.2f}x "
              f"{rss:>16}")
    print("\nserver peak RSS (MiB) in each tenth of a client's streams, to show whether it stays flat:")
    for name, (rows, _, timeline) in results.items():
        if timeline:
            print(f"{name:34} " + " ".join(f"{rss / 2**20:5.0f}" for rss in timeline.peak_by_tenth()))
    if args.results:
        with open(args.results, "a") as out:
            for name, (rows, seconds, peak) in results.items():
                line = {"section": "ingest", "case": name, "rows": rows, "seconds": round(seconds, 3),
                        "rows_per_s": round(rows / seconds), "runs": args.runs}
                if peak:
                    line["peak_rss_mb"] = round(peak.peak / 2**20)
                out.write(json.dumps(line) + "\n")
    for name, (rows, _, _) in results.items():
        assert rows == args.rows, f"{name} wrote {rows} rows, expected {args.rows}"


if __name__ == "__main__":
    main()
