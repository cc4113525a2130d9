"""pyarrow over Flight SQL: TPC-H Q6 repeated (issue 22), p50/p99 of rounds that alternate the trivial Flight SQL
server on FLOOR_PORT (the floor), Bridge with the result cache, and Bridge with x-bridge-cache: off. Prints RESULT
lines and appends them as JSON (section cache) to RESULTS when given.

  python3 scripts/bench_cache.py PORT FLOOR_PORT CALLS ROUNDS [RESULTS] [--warmup-seconds S]"""
import argparse
import json
import pathlib
import sys
import time

import pyarrow.flight as flight

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "protocol-tests" / "python"))
import flightsql  # noqa: E402 - the Flight SQL command packing the protocol tests use

Q6 = ("SELECT sum(l_extendedprice * l_discount) AS revenue FROM lineitem_5m WHERE l_shipdate >= DATE '1994-01-01'"
      " AND l_shipdate < DATE '1995-01-01' AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24")
OFF = flight.FlightCallOptions(headers=[(b"x-bridge-cache", b"off")])


def call(client, options):
    info = client.get_flight_info(flightsql.statement_query(Q6), options)
    return client.do_get(info.endpoints[0].ticket, options).read_all().num_rows


def timed(client, options, calls):
    millis = []
    for _ in range(calls):
        start = time.perf_counter()
        call(client, options)
        millis.append((time.perf_counter() - start) * 1000)
    return millis


def percentile(values, p):
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[min(len(ordered), int(rank)) - 1]


def record(results, case, millis):
    line = json.dumps({"section": "cache", "case": case, "calls": len(millis),
                       "p50_ms": round(percentile(millis, 50), 3), "p99_ms": round(percentile(millis, 99), 3)})
    print("RESULT " + line)
    if results:
        with open(results, "a") as out:
            out.write(line + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("floor_port", type=int)
    parser.add_argument("calls", type=int)
    parser.add_argument("rounds", type=int)
    parser.add_argument("results", nargs="?")
    parser.add_argument("--warmup-seconds", type=float, default=10)
    args = parser.parse_args()
    client = flight.connect(f"grpc://127.0.0.1:{args.port}")
    floor = flight.connect(f"grpc://127.0.0.1:{args.floor_port}")
    default = flight.FlightCallOptions()
    until = time.monotonic() + args.warmup_seconds
    while time.monotonic() < until:
        call(client, default)
        call(floor, default)
    floor_millis, cached, off = [], [], []
    # Alternated rounds, the floor's among them: the machine's load drifts; every case sees the same drift.
    for _ in range(args.rounds):
        floor_millis += timed(floor, default, args.calls)
        cached += timed(client, default, args.calls)
        off += timed(client, OFF, max(20, args.calls // 10))
    record(args.results, "q6 pyarrow, trivial server", floor_millis)
    record(args.results, "q6 pyarrow, cached", cached)
    record(args.results, "q6 pyarrow, x-bridge-cache: off", off)


if __name__ == "__main__":
    main()
