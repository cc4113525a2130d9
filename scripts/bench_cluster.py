"""The cluster section of the benchmarks (issue 21, docs/cluster.md), run by scripts/bench-cluster inside a private
network namespace (unshare -n): only its loopback exists. Each worker gets its own link: an htb class of RATE
(200 Mbit by default) matched on the worker's source port, everything else unshaped, all on 127.0.0.1. Four workers
serve the same hive-partitioned Parquet dataset; three coordinators front the first 1, 2 and 4 of them, with
flight.partitions: auto, so each splits the scan into one file slice per live worker. A pass times SELECT * of the
dataset through each coordinator: GetFlightInfo, then every endpoint read in parallel by pyarrow (one thread per
endpoint) from the worker its location names. Passes alternate the three cases, and one JSON line per case (section
"cluster": median seconds and rows/s, the speed-up over one worker) is appended to RESULTS.

  python3 scripts/bench_cluster.py [--rows N] [--files N] [--passes N] [--rate 200mbit] [--results FILE]
"""
import argparse
import concurrent.futures
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

import pyarrow.flight as flight

ROOT = pathlib.Path(__file__).resolve().parents[1]
JAR = pathlib.Path(os.environ.get("BRIDGE_JAR", ROOT / "server" / "target" / "bridge.jar"))
OPENS = "--add-opens=java.base/java.nio=ALL-UNNAMED"
KEY = "bench-cluster-ticket-key-0123456789abcdef"
WORKER_PORTS = [41101, 41102, 41103, 41104]
QUERY = "SELECT * FROM files.scan"
READY = re.compile(r"Bridge ready: Flight SQL on grpc://[\d.]+:(\d+)")


def sh(command):
    subprocess.run(command, shell=True, check=True, stderr=subprocess.DEVNULL)


def shape(rate):
    """htb on loopback: one class of RATE per worker port (matched on the source port of what it sends), the rest
    in an unshaped default class."""
    sh("ip link set lo up")
    subprocess.run("tc qdisc del dev lo root", shell=True, stderr=subprocess.DEVNULL)
    sh("tc qdisc add dev lo root handle 1: htb default 99 r2q 10000")
    sh("tc class add dev lo parent 1: classid 1:99 htb rate 100gbit")
    for i, port in enumerate(WORKER_PORTS, start=1):
        sh(f"tc class add dev lo parent 1: classid 1:{i} htb rate {rate} ceil {rate}")
        sh(f"tc filter add dev lo parent 1: protocol ip prio 1 u32 match ip sport {port} 0xffff flowid 1:{i}")


def write_dataset(directory, rows, files):
    import duckdb
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT range AS id, range * 7 AS a, range / 3.0 AS b, range % {files} AS part
                     FROM range({rows})) TO '{directory}' (FORMAT parquet, PARTITION_BY (part))""")
    con.close()


def start(config, port, heap):
    proc = subprocess.Popen(["java", OPENS, f"-Xmx{heap}", "-jar", str(JAR), "serve", "--database", ":memory:",
                             "--port", str(port), "--http-port", "0", "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tempfile.gettempdir())
    log = []
    for line in proc.stdout:
        log.append(line)
        match = READY.search(line)
        if match:
            # Keep draining the log so the server never blocks on a full pipe.
            concurrent.futures.ThreadPoolExecutor(1).submit(lambda: [None for _ in proc.stdout])
            return proc, int(match.group(1))
    raise SystemExit("a node did not start:\n" + "".join(log))


def config_file(directory, name, data, cluster):
    path = directory / f"{name}.yaml"
    path.write_text(f"""
database:
  data_directories: ['{data}']
files:
  datasets:
    - name: scan
      paths: ['{data}/**/*.parquet']
      hive_partitioning: true
{cluster}
""")
    return path


def read_endpoint(endpoint):
    with flight.connect(endpoint.locations[0].uri.decode()) as client:
        return sum(chunk.data.num_rows for chunk in client.do_get(endpoint.ticket))


def one_pass(port):
    start_time = time.perf_counter()
    with flight.connect(f"grpc://127.0.0.1:{port}") as client:
        info = client.get_flight_info(flight.FlightDescriptor.for_command(QUERY))
    with concurrent.futures.ThreadPoolExecutor(len(info.endpoints)) as pool:
        rows = sum(pool.map(read_endpoint, info.endpoints))
    return rows, time.perf_counter() - start_time, len(info.endpoints), \
        sorted({e.locations[0].uri.decode() for e in info.endpoints})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=8_000_000)
    parser.add_argument("--files", type=int, default=16)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--rate", default="200mbit")
    parser.add_argument("--results", default=None)
    args = parser.parse_args()

    shape(args.rate)
    directory = pathlib.Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    data = directory / "scan"
    write_dataset(data, args.rows, args.files)
    nodes = []
    try:
        for i, port in enumerate(WORKER_PORTS):
            config = config_file(directory, f"worker{i}", data, f"cluster:\n  role: worker\n  ticket_key: {KEY}\n")
            nodes.append(start(config, port, "1g")[0])
        coordinators = {}
        for n in (1, 2, 4):
            workers = ", ".join(f"'grpc://127.0.0.1:{p}'" for p in WORKER_PORTS[:n])
            config = config_file(directory, f"coordinator{n}", data,
                                 f"cluster:\n  role: coordinator\n  workers: [{workers}]\n  ticket_key: {KEY}\n"
                                 f"  health_interval: 200ms\n"
                                 # One slice per live worker; any slice of the dataset is large enough.
                                 f"flight:\n  partitions: auto\n  partition_min_rows: {max(1, args.rows // 64)}\n")
            proc, port = start(config, 0, "512m")
            nodes.append(proc)
            coordinators[n] = port
        time.sleep(2)
        for n, port in coordinators.items():  # warm-up: page cache, JIT, and every worker seen live
            rows, seconds, endpoints, used = one_pass(port)
            print(f"warm-up {n} worker(s): {rows} rows in {seconds:.2f}s over {endpoints} endpoint(s) on {used}",
                  file=sys.stderr)
        timings = {n: [] for n in coordinators}
        shapes = {}
        for p in range(args.passes):
            for n, port in coordinators.items():
                rows, seconds, endpoints, used = one_pass(port)
                assert rows == args.rows, f"{n} worker(s) returned {rows} rows, not {args.rows}"
                timings[n].append(seconds)
                shapes[n] = (endpoints, len(used))
                print(f"pass {p + 1}: {n} worker(s) {seconds:.2f}s ({rows / seconds:,.0f} rows/s, {endpoints} "
                      f"endpoint(s) on {len(used)} worker(s))", file=sys.stderr)
        one = args.rows / statistics.median(timings[1])
        lines = []
        for n, seconds in timings.items():
            median = statistics.median(seconds)
            lines.append({"section": "cluster", "workers": n, "rate_per_worker": args.rate, "rows": args.rows,
                          "files": args.files, "endpoints": shapes[n][0], "workers_used": shapes[n][1],
                          "median_s": round(median, 3), "rows_per_s": round(args.rows / median),
                          "speedup": round(args.rows / median / one, 2), "passes": [round(s, 3) for s in seconds]})
        for line in lines:
            print(json.dumps(line))
        if args.results:
            with open(args.results, "a") as out:
                for line in lines:
                    out.write(json.dumps(line) + "\n")
    finally:
        for proc in nodes:
            proc.terminate()
        for proc in nodes:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
