"""The network section of the benchmarks (issue 19), run by scripts/bench-network inside a private network namespace
(unshare -n): only its loopback exists, shaped with `tc qdisc ... tbf` to each link rate in turn, so nothing leaves
the machine. At each rate it times SELECT * of the lineitem-shaped table through

  pyarrow with none / lz4 / zstd (header x-bridge-compression), the Flight SQL JDBC driver with none / gzip (the URL
  property x-bridge-compression, which the driver sends as a header), REST NDJSON plain and zstd
  (Accept-Encoding), and scripts/peer_flight_server.py (pyarrow.flight + DuckDB, uncompressed) read by pyarrow,

the cases alternated pass by pass, and appends one JSON line per case and link (section "network": median seconds
and rows/s, the client's and the server's CPU seconds per pass, the bytes on the wire per pass where the client sees
them) to RESULTS.

  python3 scripts/bench_network.py --classpath CP [--rows N] [--passes 10gbit=3,1gbit=3,100mbit=1] [--warmup 2]
      [--cases REGEX] [--baseline-jar JAR] [--results F]

--cases keeps the cases whose name matches REGEX (e.g. 'pyarrow'). --baseline-jar starts a second Bridge from JAR
(an older build) beside the one under test and adds its pyarrow cases, marked "(baseline)", to the alternation:
an A/B comparison pass by pass, under the same load.

Before the first link, every case runs WARMUP untimed rounds on the unshaped loopback: one round left the 10 Gbit
passes JIT-cold (Bridge's first uncompressed pass 9.5 s, the next 3.9 s), which the medians of two or three passes
did not hide.
"""
import argparse
import importlib.machinery
import importlib.util
import json
import os
import pathlib
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import pyarrow.flight as flight

ROOT = pathlib.Path(__file__).resolve().parents[1]
JAR = pathlib.Path(os.environ.get("BRIDGE_JAR", ROOT / "server" / "target" / "bridge.jar"))
OPENS = "--add-opens=java.base/java.nio=ALL-UNNAMED"
LINEITEM = (ROOT / "scripts" / "lineitem.sql").read_text()
QUERY = "SELECT * FROM lineitem"
TICKS = os.sysconf("SC_CLK_TCK")
PEER = "peer pyarrow.flight + DuckDB server (pyarrow)"


def bench_rest():
    """scripts/bench-rest as a module, for its NDJSON reader (plain and zstd)."""
    loader = importlib.machinery.SourceFileLoader("bench_rest", str(ROOT / "scripts" / "bench-rest"))
    spec = importlib.util.spec_from_loader("bench_rest", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def sh(command):
    subprocess.run(command, shell=True, check=True)


def shape(rate):
    """Loopback shaped to RATE (tbf: this kernel has no netem); latency bounds the queue, not the round trip."""
    subprocess.run("tc qdisc del dev lo root", shell=True, stderr=subprocess.DEVNULL)
    sh(f"tc qdisc add dev lo root tbf rate {rate} burst 1mb latency 200ms")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def start(command, pattern, env=None):
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=tempfile.gettempdir(), env=env)
    for line in proc.stdout:
        match = re.search(pattern, line)
        if match:
            return proc, match
    raise SystemExit(f"{command[0]} did not start")


def serve(jar):
    """A Bridge server from JAR on free ports in the namespace: (process, Flight port, HTTP URL)."""
    proc, match = start(["java", OPENS, "-Xmx1g", "-jar", str(jar), "serve", "--database", ":memory:",
                         "--port", "0", "--http-port", "0"],
                        r"grpc://127\.0\.0\.1:(\d+), HTTP on http://127\.0\.0\.1:(\d+)",
                        env={**os.environ, "MALLOC_ARENA_MAX": "2"})
    return proc, int(match.group(1)), f"http://127.0.0.1:{match.group(2)}"


def pyarrow_pass(port, compression):
    client = flight.connect(f"grpc://127.0.0.1:{port}")
    options = flight.FlightCallOptions(headers=[(b"x-bridge-compression", compression.encode())]) \
        if compression else flight.FlightCallOptions()
    info = client.get_flight_info(flight.FlightDescriptor.for_command(QUERY), options)
    rows = sum(chunk.data.num_rows for chunk in client.do_get(info.endpoints[0].ticket, options))
    client.close()
    return rows, None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--classpath", required=True, help="protocol-tests classpath with the JDBC driver")
    parser.add_argument("--rows", type=int, default=6_000_000)
    parser.add_argument("--passes", default="10gbit=3,1gbit=3,100mbit=1")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds of every case before the first link")
    parser.add_argument("--cases", help="only the cases whose name matches this regular expression")
    parser.add_argument("--baseline-jar", help="a second Bridge build whose pyarrow cases run alternated with these")
    parser.add_argument("--results")
    args = parser.parse_args()
    # The servers and the JDBC client run in a temporary directory: a relative classpath entry means this one.
    classpath = os.pathsep.join(os.path.abspath(entry) for entry in args.classpath.split(os.pathsep))
    # Stopped from outside (SIGTERM), the servers are stopped too (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    links = [(rate, int(n)) for rate, n in (item.split("=") for item in args.passes.split(","))]
    rest = bench_rest()
    sh("ip link set lo up")

    wanted = re.compile(args.cases or "")
    bridge, port, http = serve(JAR)
    baseline = peer = jdbc = None
    try:
        print(f"== generating {args.rows:,} lineitem rows in Bridge and in the peer server", file=sys.stderr)
        lineitem = LINEITEM.replace("{table}", "lineitem").replace("{rows}", str(args.rows))
        rest.run_sql(http, lineitem)
        if args.baseline_jar:
            baseline, baseline_port, baseline_http = serve(pathlib.Path(args.baseline_jar))
            rest.run_sql(baseline_http, lineitem)
        if wanted.search(PEER):
            peer, match = start([sys.executable, str(ROOT / "scripts" / "peer_flight_server.py"), str(args.rows)],
                                r"PORT (\d+)")
            peer_port = int(match.group(1))
        if wanted.search("JDBC driver, none") or wanted.search("JDBC driver, gzip"):
            jdbc = subprocess.Popen(["java", OPENS, "-Xmx1g", "-cp", classpath, "dev.bridge.bench.NetworkJdbcClient",
                                     str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            for line in jdbc.stdout:
                if line.strip() == "READY":
                    break
            else:
                raise SystemExit("the JDBC client failed during its warm-up (its error is above)")

        def jdbc_pass(compression):
            jdbc.stdin.write(compression + "\n")
            jdbc.stdin.flush()
            answer = jdbc.stdout.readline().split()
            if not answer:
                raise SystemExit("the JDBC client failed (its error is above)")
            _, rows, seconds, cpu = answer
            return int(rows), float(cpu)

        def ndjson_pass(zstd):
            result = rest.ndjson_case(http, "lineitem", args.rows, zstd)
            return args.rows, None, result["wire_mb"]

        cases = {
            "pyarrow, none": (bridge, lambda: pyarrow_pass(port, "none")),
            "pyarrow, lz4": (bridge, lambda: pyarrow_pass(port, "lz4")),
            "pyarrow, zstd": (bridge, lambda: pyarrow_pass(port, "zstd")),
            "JDBC driver, none": (bridge, lambda: jdbc_pass("none")),
            "JDBC driver, gzip": (bridge, lambda: jdbc_pass("gzip")),
            "REST NDJSON": (bridge, lambda: ndjson_pass(False)),
            "REST NDJSON, zstd": (bridge, lambda: ndjson_pass(True)),
            PEER: (peer, lambda: pyarrow_pass(peer_port, None)),
        }
        if baseline is not None:
            for compression in ("none", "lz4", "zstd"):
                cases[f"pyarrow, {compression} (baseline)"] = (
                    baseline, lambda c=compression: pyarrow_pass(baseline_port, c))
        cases = {name: case for name, case in cases.items() if wanted.search(name)}
        # Untimed: the servers' JIT and DuckDB's caches warm up on loopback speed, not inside a shaped pass.
        for round_ in range(args.warmup):
            begin = time.perf_counter()
            for name, (_, run) in cases.items():
                run()
            print(f"== warm-up round {round_ + 1}/{args.warmup}: {time.perf_counter() - begin:.1f} s", file=sys.stderr)
        for rate, passes in links:
            shape(rate)
            load = open("/proc/loadavg").read().split()[:3]
            print(f"== {rate}: {passes} alternated pass(es) of {len(cases)} cases, load {' '.join(load)}",
                  file=sys.stderr)
            measured = {name: [] for name in cases}
            for _ in range(passes):
                for name, (server, run) in cases.items():
                    server_cpu = cpu_seconds(server.pid)
                    client_cpu = time.process_time()
                    begin = time.perf_counter()
                    outcome = run()
                    seconds = time.perf_counter() - begin
                    rows, java_cpu = outcome[0], outcome[1]
                    measured[name].append({
                        "rows": rows, "seconds": seconds,
                        "client_cpu": java_cpu if java_cpu is not None else time.process_time() - client_cpu,
                        "server_cpu": cpu_seconds(server.pid) - server_cpu,
                        "wire_mb": outcome[2] if len(outcome) > 2 else None})
                    print(f"   {rate:8} {name:48} {rows / seconds:>12,.0f} rows/s  {seconds:7.2f} s", file=sys.stderr)
            for name, runs in measured.items():
                seconds = statistics.median(r["seconds"] for r in runs)
                line = {"section": "network", "case": name, "link": rate, "rows": runs[0]["rows"],
                        "seconds": round(seconds, 3), "rows_per_s": round(runs[0]["rows"] / seconds),
                        "passes": passes, "warmup_rounds": args.warmup, "seconds_per_pass": [round(r["seconds"], 3) for r in runs],
                        "client_cpu_seconds": round(statistics.median(r["client_cpu"] for r in runs), 2),
                        "server_cpu_seconds": round(statistics.median(r["server_cpu"] for r in runs), 2),
                        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load": " ".join(load)}
                if runs[0]["wire_mb"] is not None:
                    line["wire_mb"] = round(statistics.median(r["wire_mb"] for r in runs), 1)
                print("RESULT " + json.dumps(line))
                if args.results:
                    with open(args.results, "a") as out:
                        out.write(json.dumps(line) + "\n")
    finally:
        for proc in (jdbc, peer, baseline, bridge):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()


if __name__ == "__main__":
    main()
