"""pyarrow over Flight SQL: TPC-H Q6 repeated (issue 22), p50/p99 of rounds that alternate the trivial Flight SQL
server on FLOOR_PORT (the floor), Bridge with the result cache, and Bridge with x-bridge-cache: off. Prints RESULT
lines and appends them as JSON (section cache) to RESULTS when given. With `goals RESULTS`, prints the issue's goal
lines from the cache section of a results file instead.

  python3 scripts/bench_cache.py PORT FLOOR_PORT CALLS ROUNDS [RESULTS] [--warmup-seconds S]
  python3 scripts/bench_cache.py goals RESULTS"""
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


def goals(results):
    """The issue's goals, one GOAL line each, from the last figures of each case in RESULTS."""
    cases = {}
    with open(results) as lines:
        for line in lines:
            row = json.loads(line)
            if row.get("section") == "cache":
                cases[row["case"]] = row

    def figure(case, key):
        row = cases.get(case)
        return None if row is None else row.get(key)

    def goal(text, value, met, shown):
        verdict = "not measured" if value is None else ("met" if met(value) else "MISSED")
        print(f"GOAL {text}: {'-' if value is None else shown % value} ({verdict})")

    for client in ("jdbc", "pyarrow"):
        cached, floor = figure(f"q6 {client}, cached", "p50_ms"), figure(f"q6 {client}, trivial server", "p50_ms")
        goal(f"cached Q6 within 0.3 ms of the trivial server's p50 ({client}: {cached} vs {floor} ms)",
             None if cached is None or floor is None else cached - floor, lambda d: d <= 0.3, "%+.3f ms")
    # Both cases run for the same seconds: their query counts give the ratio unrounded.
    cached, off = figure("dashboard 32 clients, cached", "queries"), figure("dashboard 32 clients, x-bridge-cache: off",
                                                                             "queries")
    goal(f"32 dashboard clients >= 10x the uncached queries/s ("
         f"{figure('dashboard 32 clients, cached', 'queries_per_s')} vs "
         f"{figure('dashboard 32 clients, x-bridge-cache: off', 'queries_per_s')} q/s)",
         None if not cached or not off else cached / off, lambda r: r >= 10, "%.1fx")
    stale = [row.get("stale_answers") for row in cases.values() if "stale_answers" in row]
    goal("every dashboard answer fresh (stale answers)", sum(stale) if stale else None, lambda n: n == 0, "%d")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "goals":
        goals(sys.argv[2])
        return
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
