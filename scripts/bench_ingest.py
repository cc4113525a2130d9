#!/usr/bin/env python3
"""Ingest benchmark: N lineitem-shaped rows through DoPut from pyarrow and from Arrow Java's FlightSqlClient,
beside the in-process DuckDB Arrow insert of the same batches (the limit).

The paths run in rounds, one run of each per round, so that a path and the limit are timed moments apart: on a
shared machine whose speed drifts within minutes, the median of the per-round ratios is the figure to trust. The
first round is untimed (the JIT of the Java client and of the server warms up; a loader's JVM is long-lived). Prints
rows/s, ratios to the limit, and the server's peak resident memory while each client's streams run.

Run through scripts/bench-ingest, which builds the jar and the Java classpath."""
import argparse
import contextlib
import json
import os
import pathlib
import statistics
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


def resident_bytes(pid):
    """A process's resident memory in bytes (0 once it has ended)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class RssTimeline:
    """Samples a process's resident memory every 50 ms while one client's runs go on (entered once per run): the
    peak, overall and in each tenth of the runs' time (the streams are steady, so a tenth of the time is about a
    tenth of the rows)."""

    def __init__(self, pid):
        self.pid = pid
        self.samples = []
        self._stop = threading.Event()
        self._thread = None

    @property
    def peak(self):
        return max(rss for _, rss in self.samples)

    def peak_by_tenth(self):
        """The peak within each tenth of the runs' time: 0-10%, 10-20%, ... 90-100%."""
        end = self.samples[-1][0]
        peaks = [0] * 10
        for at, rss in self.samples:
            tenth = min(int(at / end * 10), 9) if end else 9
            peaks[tenth] = max(peaks[tenth], rss)
        return peaks

    def _sample(self):
        offset = self.samples[-1][0] if self.samples else 0.0
        start = time.perf_counter()
        while not self._stop.is_set():
            self.samples.append((offset + time.perf_counter() - start, resident_bytes(self.pid)))
            time.sleep(0.05)

    def __enter__(self):
        self._stop.clear()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


class JavaRuns:
    """One IngestBench JVM that makes a run when asked ("inprocess", "flightsql", "upload") and reports its time."""

    def __init__(self, command):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def run(self, which):
        self.proc.stdin.write(which + "\n")
        self.proc.stdin.flush()
        for line in self.proc.stdout:
            fields = line.split()
            if len(fields) == 3 and fields[0].startswith("java_"):
                return int(fields[1]), float(fields[2])
        raise RuntimeError(f"IngestBench ended (exit code {self.proc.wait()}) before answering {which}")

    def close(self):
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            raise RuntimeError(f"IngestBench failed with exit code {self.proc.returncode}")


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
    parser.add_argument("--runs", type=int, default=3, help="timed rounds (one run of each path), after one untimed round")
    parser.add_argument("--results", help="append one JSON line per path (section ingest) to this file")
    parser.add_argument("--bridge", default=str(ROOT / "scripts" / "bridge"),
                        help="the bridge launcher whose jar serves (another build's scripts/bridge: before/after)")
    parser.add_argument("--label", default="", help="a label for this build in the output and the JSON lines")
    args = parser.parse_args()
    work = pathlib.Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    data = work / f"lineitem-{args.rows}.arrows"
    if not data.exists():
        print(f"writing {args.rows:,} lineitem rows to {data} ...", flush=True)
        write_data(data, args.rows)
    for stale in work.glob("server.duckdb*"):
        stale.unlink()

    config = work / "bridge.yaml"
    config.write_text(f"database:\n  memory_limit: \"{args.memory_limit}\"\n")
    # Started as an operator would, through scripts/bridge: its JVM and malloc settings are part of the footprint.
    server = BridgeProcess(str(work / "server.duckdb"), ["--config", str(config)], launcher=[args.bridge])
    names = {"inprocess": "java_inprocess_duckdb", "pyarrow": "pyarrow_doput_flightsql_ingest",
             "flightsql": "java_flightsql_executeIngest", "upload": "java_bridge_BulkIngestUpload"}
    java = JavaRuns(["java", "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", args.classpath,
                     "dev.bridge.bench.IngestBench", str(data), server.uri, str(work), args.memory_limit])
    timelines = {path: RssTimeline(server.proc.pid) for path in names if path != "inprocess"}
    rounds = []
    try:
        baseline = resident_bytes(server.proc.pid)

        def run(path):
            """(rows, seconds) of one run of a path; the server's memory is sampled while a client's stream runs."""
            with timelines.get(path) or contextlib.nullcontext():
                if path != "pyarrow":
                    return java.run(path)
                start = time.perf_counter()
                rows = pyarrow_put(server.uri, data)
                return rows, time.perf_counter() - start

        for path in names:  # the untimed round
            run(path)
        for timeline in timelines.values():
            timeline.samples.clear()
        for _ in range(args.runs):
            rounds.append({path: run(path) for path in names})
        java.close()
    finally:
        server.stop()
        if java.proc.poll() is None:
            java.proc.kill()

    size = data.stat().st_size
    print(f"\ningest benchmark: {args.rows:,} lineitem-shaped rows, 16 columns, IPC stream {size / 2**20:.0f} MiB, "
          f"{BATCH_ROWS}-row batches; Bridge on a database file, memory_limit '{args.memory_limit}' (in-process too); "
          f"server RSS before the streams {baseline / 2**20:.0f} MiB")
    print(f"{args.runs} rounds of one run per path, after one untimed round; seconds and rows/s are medians, and the "
          f"ratio is the median of each round's ratio to that round's in-process insert")
    print(f"{'run':34} {'rows':>12} {'seconds':>8} {'rows/s':>12} {'vs limit':>9} {'server peak RSS':>16}  rounds (s)")
    lines = []
    for path, name in names.items():
        rows = {rnd[path][0] for rnd in rounds}
        assert rows == {args.rows}, f"{name} wrote {rows} rows, expected {args.rows}"
        seconds = statistics.median(rnd[path][1] for rnd in rounds)
        ratio = statistics.median(rnd["inprocess"][1] / rnd[path][1] for rnd in rounds)
        timeline = timelines.get(path)
        rss = f"{timeline.peak / 2**20:.0f} MiB" if timeline else "-"
        each = " ".join(f"{rnd[path][1]:.2f}" for rnd in rounds)
        print(f"{name:34} {args.rows:>12,} {seconds:>8.2f} {args.rows / seconds:>12,.0f} {ratio:>8.2f}x {rss:>16}  {each}")
        line = {"section": "ingest", "case": name, "rows": args.rows, "seconds": round(seconds, 3),
                "rows_per_s": round(args.rows / seconds), "runs": args.runs, "vs_inprocess": round(ratio, 3),
                "run_seconds": [round(rnd[path][1], 3) for rnd in rounds]}
        if args.label:
            line["build"] = args.label
        if timeline:
            line["peak_rss_mb"] = round(timeline.peak / 2**20)
        lines.append(line)
    print("\nserver peak RSS (MiB) in each tenth of a client's streams, to show whether it stays flat:")
    for path, timeline in timelines.items():
        print(f"{names[path]:34} " + " ".join(f"{rss / 2**20:5.0f}" for rss in timeline.peak_by_tenth()))
    if args.results:
        with open(args.results, "a") as out:
            for line in lines:
                out.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
