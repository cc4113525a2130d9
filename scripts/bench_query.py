"""pyarrow over Flight: SELECT * FROM lineitem, the median of RUNS runs after a warm-up. Prints one RESULT line and
appends it as JSON (section throughput, case pyarrow) to RESULTS when given.

  python3 scripts/bench_query.py PORT [RUNS] [RESULTS]"""
import json
import statistics
import sys
import time

import pyarrow.flight as flight


def run(client):
    info = client.get_flight_info(flight.FlightDescriptor.for_command("SELECT * FROM lineitem"))
    reader = client.do_get(info.endpoints[0].ticket)
    rows = 0
    for chunk in reader:
        rows += chunk.data.num_rows
    return rows


def main(port, runs, results):
    client = flight.connect(f"grpc://127.0.0.1:{port}")
    run(client)
    times = []
    rows = 0
    for _ in range(runs):
        start = time.perf_counter()
        rows = run(client)
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    line = json.dumps({"section": "throughput", "case": "pyarrow", "rows": rows, "seconds": round(seconds, 4),
                       "rows_per_s": round(rows / seconds), "runs": runs})
    print("RESULT " + line)
    if results:
        with open(results, "a") as out:
            out.write(line + "\n")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 3, sys.argv[3] if len(sys.argv) > 3 else None)
