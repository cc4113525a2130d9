"""pyarrow over Flight: SELECT * FROM lineitem, the median of RUNS runs after WARMUP untimed ones. Prints one RESULT
line and appends it as JSON (section throughput, case pyarrow) to RESULTS when given.

  python3 scripts/bench_query.py PORT [RUNS] [RESULTS] [--warmup N] [--case NAME]

scripts/bench also runs it with one run and no warm-up between the passes of another path (QueryThroughputBench's
bench.pair), so that the two are timed moments apart."""
import argparse
import json
import statistics
import time

import pyarrow.flight as flight


def run(client):
    info = client.get_flight_info(flight.FlightDescriptor.for_command("SELECT * FROM lineitem"))
    reader = client.do_get(info.endpoints[0].ticket)
    rows = 0
    for chunk in reader:
        rows += chunk.data.num_rows
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("runs", type=int, nargs="?", default=3)
    parser.add_argument("results", nargs="?")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument("--case", default="pyarrow", help="the name the result is reported under")
    args = parser.parse_args()
    client = flight.connect(f"grpc://127.0.0.1:{args.port}")
    for _ in range(args.warmup):
        run(client)
    times = []
    cpu_times = []
    rows = 0
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        rows = run(client)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - start_cpu)
    seconds = statistics.median(times)
    line = json.dumps({"section": "throughput", "case": args.case, "rows": rows, "seconds": round(seconds, 4),
                       "rows_per_s": round(rows / seconds), "runs": args.runs,
                       "client_cpu_seconds": round(statistics.median(cpu_times), 3)})
    print("RESULT " + line)
    if args.results:
        with open(args.results, "a") as out:
            out.write(line + "\n")


if __name__ == "__main__":
    main()
