#!/usr/bin/env python3
"""Partitions on one node (issue 21): SELECT * of the lineitem-shaped table, and of the same rows as a Parquet
dataset of 8 files, read by pyarrow as one endpoint and as P partitions (the header x-bridge-partitions; one thread
per endpoint, as a client reading partitions in parallel does). The cases alternate pass by pass, so the machine's
drift hits them alike; each P-partition pass is compared with the one-endpoint pass just before it, and the median
of those paired ratios is reported with the medians of the passes. Appends one JSON line per case to RESULTS
(section "partitions").

  python3 scripts/bench_partitions.py [--rows N] [--passes N] [--partitions 2,4] [--results FILE]
"""
import argparse
import concurrent.futures
import json
import os
import pathlib
import statistics
import sys
import tempfile
import textwrap
import time

import pyarrow.flight as flight

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "protocol-tests" / "python"))
from conftest import BridgeProcess  # noqa: E402

LINEITEM = (ROOT / "scripts" / "lineitem.sql").read_text()
FILES = 8
SOURCES = {"table": "SELECT * FROM lineitem", "parquet dataset": "SELECT * FROM files.lineitem_files"}


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def run(client, sql):
    client.do_get(client.get_flight_info(flight.FlightDescriptor.for_command(sql)).endpoints[0].ticket).read_all()


def timed_pass(client, sql, partitions):
    """Seconds from GetFlightInfo to the last batch of the last endpoint, and the rows read."""
    options = flight.FlightCallOptions(headers=[(b"x-bridge-partitions", str(partitions).encode())])
    began = time.perf_counter()
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql), options)
    if partitions > 1 and len(info.endpoints) != partitions:
        raise RuntimeError(f"asked for {partitions} partitions of {sql!r}, got {len(info.endpoints)} endpoints")
    with concurrent.futures.ThreadPoolExecutor(len(info.endpoints)) as pool:
        rows = sum(pool.map(lambda e: client.do_get(e.ticket).read_all().num_rows, info.endpoints))
    return time.perf_counter() - began, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=6_000_000)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--partitions", default="2,4")
    parser.add_argument("--results", default=None)
    args = parser.parse_args()
    counts = [int(p) for p in args.partitions.split(",")]
    with tempfile.TemporaryDirectory() as work:
        data = pathlib.Path(work) / "data"
        (data / "lineitem").mkdir(parents=True)
        config = pathlib.Path(work) / "bridge.yaml"
        config.write_text(textwrap.dedent(f"""\
            flight:
              partition_min_rows: 1
            database:
              data_directories: ["{data}"]
            files:
              datasets:
                - name: lineitem_files
                  paths: ["lineitem/*.parquet"]
            """))
        server = BridgeProcess(str(pathlib.Path(work) / "bench.duckdb"), ["--config", str(config)])
        try:
            client = server.client()
            run(client, LINEITEM.replace("{table}", "lineitem").replace("{rows}", str(args.rows)))
            for i in range(FILES):
                run(client, f"COPY (SELECT * FROM lineitem WHERE l_orderkey % {FILES} = {i}) "
                            f"TO '{data}/lineitem/part-{i}.parquet' (FORMAT parquet)")
            cases = [(source, p) for source in SOURCES for p in [1, *counts]]
            seconds = {case: [] for case in cases}
            for source, sql in SOURCES.items():
                timed_pass(client, sql, 1)  # warm-up: the first pass also reads the data into DuckDB's cache
            load_before = loadavg()
            for _ in range(args.passes):
                for case in cases:
                    elapsed, rows = timed_pass(client, SOURCES[case[0]], case[1])
                    if rows != args.rows:
                        raise RuntimeError(f"{case}: read {rows} rows, expected {args.rows}")
                    seconds[case].append(elapsed)
            load_after = loadavg()
            client.close()
        finally:
            server.stop()
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = []
    for (source, p), values in seconds.items():
        single = seconds[(source, 1)]
        line = {"section": "partitions", "case": f"{source}, {'1 endpoint' if p == 1 else f'{p} partitions'}",
                "source": source, "partitions": p, "rows": args.rows, "passes": len(values),
                "median_s": round(statistics.median(values), 3),
                "rows_per_s": round(args.rows / statistics.median(values)),
                "speedup_vs_one_endpoint": round(statistics.median(s / v for s, v in zip(single, values)), 3),
                "cores": os.cpu_count(), "date": date, "load_before": load_before, "load_after": load_after}
        lines.append(line)
        print("RESULT " + json.dumps(line), flush=True)
    if args.results:
        with open(args.results, "a") as f:
            for line in lines:
                f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
