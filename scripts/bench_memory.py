#!/usr/bin/env python3
"""Memory benchmark: the server's resident memory and Arrow allocator peak (1) while N generated rows stream to a
deliberately slow pyarrow client, and (2) while M rows are ingested through DoPut. Each phase runs on a fresh server
started through scripts/bridge (its JVM and malloc settings are part of the footprint), so VmHWM, the kernel's
high-water mark of the process's resident memory, is that phase's peak. VmRSS is sampled every 50 ms for the
timeline. The Arrow allocator peak is the figure the server logs when it stops.

  scripts/bench_memory.py [--stream-rows N] [--ingest-rows M] [--results FILE]
"""
import argparse
import json
import pathlib
import re
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
ALLOCATOR_PEAK = re.compile(r"Arrow allocator peak (\d+) bytes")
STREAM_SQL = ("SELECT i AS id, i % 1000 AS bucket, i * 0.5 AS amount, 'item-' || (i % 100) AS label "
              "FROM range({rows}) t(i)")


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


class Sampler:
    """Samples VmRSS every 50 ms while the phase runs; VmHWM (the peak since the process started) at the end."""

    def __init__(self, pid):
        self.pid = pid
        self.samples = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.start = None

    def _run(self):
        while not self._stop.is_set():
            self.samples.append((time.perf_counter() - self.start, status_kib(self.pid, "VmRSS") / 1024))
            time.sleep(0.05)

    def __enter__(self):
        self.start = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.hwm_mb = status_kib(self.pid, "VmHWM") / 1024

    def timeline(self, points=120):
        step = max(1, len(self.samples) // points)
        return [[round(t, 2), round(mb, 1)] for t, mb in self.samples[::step]]


def slow_stream(server, rows, pause):
    client = flight.connect(server.uri)
    info = client.get_flight_info(flightsql.statement_query(STREAM_SQL.format(rows=rows)))
    reader = client.do_get(info.endpoints[0].ticket)
    received = 0
    for chunk in reader:
        received += chunk.data.num_rows
        time.sleep(pause)
    client.close()
    return received


def ingest(server, rows):
    batch = pa.record_batch({
        "id": pa.array(np.arange(BATCH_ROWS, dtype=np.int64)),
        "bucket": pa.array((np.arange(BATCH_ROWS) % 1000).astype(np.int32)),
        "amount": pa.array(np.arange(BATCH_ROWS) * 0.5),
        "label": pa.array([f"item-{i % 100}" for i in range(BATCH_ROWS)]),
    })
    client = flight.connect(server.uri)
    writer, metadata = client.do_put(flightsql.statement_ingest("ingested", mode="replace"), batch.schema)
    sent = 0
    while sent < rows:
        part = batch.slice(0, min(BATCH_ROWS, rows - sent))
        writer.write_batch(part)
        sent += part.num_rows
    written = flightsql.finish_put(writer, metadata)
    client.close()
    return written


def phase(name, database, run, expected, extra):
    server = BridgeProcess(database, launcher=[str(ROOT / "scripts" / "bridge")])
    try:
        baseline = status_kib(server.proc.pid, "VmRSS") / 1024
        with Sampler(server.proc.pid) as sampler:
            started = time.perf_counter()
            rows = run(server)
            seconds = time.perf_counter() - started
    finally:
        server.stop()
    if rows != expected:
        raise SystemExit(f"{name}: {rows} rows, expected {expected}")
    peak = ALLOCATOR_PEAK.search(server.log())
    result = {"section": "memory", "case": name, "rows": rows, "seconds": round(seconds, 2),
              "rows_per_s": round(rows / seconds), "baseline_rss_mb": round(baseline, 1),
              "peak_rss_mb": round(sampler.hwm_mb, 1),
              "max_sampled_rss_mb": round(max(mb for _, mb in sampler.samples), 1),
              "arrow_peak_mb": round(int(peak.group(1)) / 2**20, 1) if peak else None,
              **extra, "timeline": sampler.timeline()}
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stream-rows", type=int, default=100_000_000)
    parser.add_argument("--ingest-rows", type=int, default=50_000_000)
    parser.add_argument("--pause-ms", type=float, default=10.0, help="the slow client's pause after each batch")
    parser.add_argument("--results", help="append the results as JSON lines to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bridge-bench-memory-") as work:
        results = [
            phase("slow stream", ":memory:", lambda s: slow_stream(s, args.stream_rows, args.pause_ms / 1000),
                  args.stream_rows, {"pause_ms_per_batch": args.pause_ms}),
            phase("ingest", str(pathlib.Path(work) / "ingest.duckdb"), lambda s: ingest(s, args.ingest_rows),
                  args.ingest_rows, {}),
        ]
    for result in results:
        line = json.dumps(result)
        print("RESULT " + json.dumps({k: v for k, v in result.items() if k != "timeline"}))
        if args.results:
            with open(args.results, "a") as out:
                out.write(line + "\n")


if __name__ == "__main__":
    main()
