"""The Spark section of the benchmarks (issue 24, docs/spark.md): rows/s of the same query over the same Parquet
dataset through Bridge on Spark (pyarrow, and the Flight SQL JDBC driver) against Spark Connect's own JVM client
talking to the same Spark Connect server, and each one's time to the first row. All on 127.0.0.1: a Spark Connect
server in local[2] (no token, so Spark's client may use plaintext), Bridge with the dataset and engines.spark (it
registers the dataset in Spark as files.bench over the same files), and two long-lived client JVMs warmed up before
the first pass. Passes alternate the three clients (the order rotates each pass); medians are reported, and one JSON
line per client (section "spark") is appended to RESULTS.

  python3 scripts/bench_spark.py --classpath CP --client-jar JAR [--rows N] [--files N] [--passes N] [--results F]
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

import pyarrow.flight as flight

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "protocol-tests" / "python"))
from conftest import BridgeProcess, SparkConnectProcess, SPARK_CLASSPATH, SPARK_JAVA_OPTIONS  # noqa: E402
import flightsql as fs  # noqa: E402

QUERY = "SELECT * FROM files.bench"
WARMUP = "SELECT * FROM files.bench LIMIT 200000"
OPENS = "--add-opens=java.base/java.nio=ALL-UNNAMED"


def write_dataset(directory, rows, files):
    import duckdb
    con = duckdb.connect()
    per_file = rows // files
    for f in range(files):
        first = f * per_file
        last = rows if f == files - 1 else first + per_file
        con.execute(f"""COPY (SELECT range AS id, CAST(range % 1000 AS INTEGER) AS k, range / 3.0 AS x,
                                     'item ' || (range % 5000) AS s
                              FROM range({first}, {last})) TO '{directory}/part-{f}.parquet' (FORMAT parquet)""")
    con.close()


class JvmClient:
    """A long-lived client JVM: it prints READY after its warm-up, then one PASS line per line it is sent."""

    def __init__(self, name, command):
        self.name = name
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for line in self.proc.stdout:
            if line.startswith("READY"):
                return
        raise RuntimeError(f"{name} client exited before it was ready (code {self.proc.wait()})")

    def run(self):
        self.proc.stdin.write("pass\n")
        self.proc.stdin.flush()
        for line in self.proc.stdout:
            if line.startswith("PASS"):
                _, rows, seconds, first = line.split()
                return int(rows), float(seconds), float(first)
        raise RuntimeError(f"{self.name} client exited mid-pass (code {self.proc.wait()})")

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


class PyarrowClient:
    """pyarrow through Bridge: one Flight connection (one Bridge session) whose catalog is spark."""
    name = "bridge-pyarrow"

    def __init__(self, uri):
        self.client = flight.connect(uri)
        fs.set_session_options(self.client, flight.FlightCallOptions(), catalog="spark")
        for _ in range(3):
            self.read(WARMUP)

    def read(self, sql):
        start = time.perf_counter()
        info = self.client.get_flight_info(fs.statement_query(sql))
        reader = self.client.do_get(info.endpoints[0].ticket)
        rows, first = 0, None
        for chunk in reader:
            if first is None:
                first = time.perf_counter() - start
            rows += chunk.data.num_rows
        return rows, time.perf_counter() - start, first

    def run(self):
        return self.read(QUERY)

    def close(self):
        self.client.close()


def load():
    return os.getloadavg()[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--classpath", required=True, help="protocol-tests' test classpath (SparkJdbcClient)")
    parser.add_argument("--client-jar", required=True, help="spark-connect-client-jvm_2.13's jar")
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--results")
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="bench-spark-"))
    data = work / "data"
    (data / "bench").mkdir(parents=True)
    write_dataset(data / "bench", args.rows, args.files)
    spark = SparkConnectProcess(work, token=False, heap="2g")
    config = work / "bridge.yaml"
    config.write_text(textwrap.dedent(f"""\
        database:
          data_directories: ["{data}"]
        files:
          datasets:
            - name: bench
              paths: ["bench/*.parquet"]
        engines:
          spark:
            remote: {spark.remote}
        """))
    bridge = BridgeProcess(":memory:", ["--config", str(config)])
    clients = []
    try:
        clients.append(PyarrowClient(bridge.uri))  # also registers the dataset in Spark (its first statement)
        clients.append(JvmClient("bridge-jdbc", ["java", OPENS, "-cp", args.classpath, "dev.bridge.bench.SparkJdbcClient",
                                                 f"jdbc:arrow-flight-sql://127.0.0.1:{bridge.port}/?useEncryption=false"
                                                 "&catalog=spark", QUERY, WARMUP]))
        clients.append(JvmClient("spark-connect-client", [
            "java", *SPARK_JAVA_OPTIONS, "-cp", args.client_jar + ":" + SPARK_CLASSPATH.read_text().strip(),
            str(ROOT / "scripts" / "spark-client" / "SparkConnectClientBench.java"), spark.remote, QUERY, WARMUP]))
        timings = {client.name: [] for client in clients}
        loads = [load()]
        for p in range(args.passes):
            order = clients[p % len(clients):] + clients[:p % len(clients)]
            for client in order:
                rows, seconds, first = client.run()
                if rows != args.rows:
                    raise RuntimeError(f"{client.name} read {rows} rows, expected {args.rows}")
                timings[client.name].append((seconds, first))
            loads.append(load())
        reference = statistics.median(s for s, _ in timings["spark-connect-client"])
        print(f"| client | rows/s (median) | seconds | first row s | x Spark's client |  ({args.rows:,} rows,"
              f" {args.passes} passes, load {min(loads):.1f}-{max(loads):.1f})")
        print("|---|---|---|---|---|")
        for name, runs in timings.items():
            seconds = statistics.median(s for s, _ in runs)
            first = statistics.median(f for _, f in runs)
            line = {"section": "spark", "client": name, "rows": args.rows, "median_s": round(seconds, 3),
                    "rows_per_s": round(args.rows / seconds), "first_row_s": round(first, 3),
                    "vs_spark_client": round(reference / seconds, 2), "passes": [round(s, 3) for s, _ in runs],
                    "load": [round(x, 1) for x in loads]}
            print(f"| {name} | {args.rows / seconds:,.0f} | {seconds:.2f} | {first:.3f} | {reference / seconds:.2f} |")
            if args.results:
                with open(args.results, "a") as out:
                    out.write(json.dumps(line) + "\n")
    finally:
        for client in clients:
            client.close()
        bridge.stop()
        spark.stop()


if __name__ == "__main__":
    main()
