"""A bounded soak: many concurrent clients mixing queries, prepared statements, ingest, cancels, REST queries and
session churn against one real server process, sampling its sessions, threads, file descriptors and Arrow memory.

Not part of the pytest suite (the file name does not start with test_); run it with scripts/soak [--duration 3m].
Exits 1 on any unexpected error, on growth of threads or file descriptors between the first and the last part of
the run, or when sessions or Arrow bytes are not back to zero once the load stops."""
import argparse
import json
import os
import random
import re
import sys
import tempfile
import threading
import time

import pyarrow as pa
import pyarrow.flight as flight
import requests

sys.path.insert(0, os.path.dirname(__file__))
import flightsql as fs  # noqa: E402
from conftest import BridgeProcess  # noqa: E402

THREAD_MARGIN = 16
FD_MARGIN = 16


def duration_seconds(text):
    match = re.fullmatch(r"(\d+)([smh]?)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"a duration such as 90s, 3m or 1h, not {text!r}")
    return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


class Worker(threading.Thread):
    def __init__(self, number, server, stop, seed):
        super().__init__(daemon=True, name=f"soak-{number}")
        self.number = number
        self.server = server
        self.stop = stop
        self.random = random.Random(seed + number)
        self.client = None
        self.ops = {}
        self.errors = []
        self.table = f"soak_{number}"

    def run(self):
        operations = [self.query, self.prepared, self.ingest, self.cancel, self.rest_query]
        while not self.stop.is_set():
            operation = self.random.choice(operations)
            try:
                if self.client is None or self.random.random() < 0.2:  # session churn: a new connection
                    self.reconnect()
                operation()
                self.ops[operation.__name__] = self.ops.get(operation.__name__, 0) + 1
            except Exception as e:  # noqa: BLE001 - every failure is counted and reported
                self.errors.append(f"{operation.__name__}: {type(e).__name__}: {e}")
                self.reconnect()
        if self.client is not None:
            self.client.close()

    def reconnect(self):
        if self.client is not None:
            self.client.close()
        self.client = self.server.client()

    def query(self):
        n = self.random.randint(1, 200_000)
        info = self.client.get_flight_info(fs.statement_query(f"SELECT sum(range) AS s FROM range({n})"))
        table = self.client.do_get(info.endpoints[0].ticket).read_all()
        assert table.column("s")[0].as_py() == n * (n - 1) // 2

    def prepared(self):
        request = fs.pack("ActionCreatePreparedStatementRequest",
                          fs.field_bytes(1, b"SELECT range * 2 AS d FROM range(1000) WHERE range < 10"))
        result = list(self.client.do_action(flight.Action("CreatePreparedStatement", request)))[0]
        handle = fs.fields(fs.unpack(result.body.to_pybytes())[1])[1]
        descriptor = flight.FlightDescriptor.for_command(
            fs.pack("CommandPreparedStatementQuery", fs.field_bytes(1, handle)))
        info = self.client.get_flight_info(descriptor)
        table = self.client.do_get(info.endpoints[0].ticket).read_all()
        assert table.column("d").to_pylist() == [i * 2 for i in range(10)]
        close = fs.pack("ActionClosePreparedStatementRequest", fs.field_bytes(1, handle))
        list(self.client.do_action(flight.Action("ClosePreparedStatement", close)))

    def ingest(self):
        rows = self.random.randint(1, 20_000)
        batch = pa.record_batch({"id": pa.array(range(rows), pa.int64()),
                                 "name": pa.array([f"w{self.number}"] * rows)})
        writer, reader = self.client.do_put(fs.statement_ingest(self.table, mode="replace"), batch.schema)
        writer.write_batch(batch)
        assert fs.finish_put(writer, reader) == rows

    def cancel(self):
        """A client that stops reading a long result halfway and cancels the stream."""
        info = self.client.get_flight_info(fs.statement_query("SELECT range AS i FROM range(100000000)"))
        reader = self.client.do_get(info.endpoints[0].ticket)
        reader.read_chunk()
        reader.cancel()

    def rest_query(self):
        response = requests.get(self.server.http_url + "/v1/query",
                                params={"sql": "SELECT count(*) AS c FROM range(12345)"}, timeout=60)
        assert response.status_code == 200 and "12345" in response.text, response.text


def sample(server, started):
    pid = server.proc.pid
    health = requests.get(server.http_url + "/health", timeout=10).json()
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status if ":" in line)
    return {"t": round(time.time() - started), "sessions": health["sessions"],
            "arrow_bytes": health["arrow_allocated_bytes"], "threads": int(fields["Threads"]),
            "fds": len(os.listdir(f"/proc/{pid}/fd")), "rss_mb": int(fields["VmRSS"].split()[0]) // 1024}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=duration_seconds, default=duration_seconds("3m"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--sample-every", type=duration_seconds, default=duration_seconds("10s"))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SOAK_SEED", time.time_ns() % 1_000_000)))
    args = parser.parse_args()
    print(f"soak: {args.clients} clients for {args.duration}s, seed {args.seed}", flush=True)

    directory = tempfile.mkdtemp(prefix="bridge-soak-")
    server = BridgeProcess(os.path.join(directory, "soak.duckdb"))
    started = time.time()
    samples = [sample(server, started)]
    stop = threading.Event()
    workers = [Worker(n, server, stop, args.seed) for n in range(args.clients)]
    for worker in workers:
        worker.start()
    while time.time() - started < args.duration:
        time.sleep(min(args.sample_every, max(0.0, args.duration - (time.time() - started))))
        samples.append(sample(server, started))
        print(json.dumps(samples[-1]), flush=True)
    stop.set()
    for worker in workers:
        worker.join(timeout=120)

    deadline = time.time() + 30
    idle = sample(server, started)
    while (idle["sessions"] or idle["arrow_bytes"]) and time.time() < deadline:
        time.sleep(0.5)
        idle = sample(server, started)
    code = server.stop()
    log = server.log()

    ops = {}
    for worker in workers:
        for name, n in worker.ops.items():
            ops[name] = ops.get(name, 0) + n
    errors = [error for worker in workers for error in worker.errors]
    under_load = samples[1:]
    quarter = max(1, len(under_load) // 4)
    first, last = under_load[:quarter], under_load[-quarter:]
    growth = {key: max(s[key] for s in last) - max(s[key] for s in first) for key in ("threads", "fds", "rss_mb")}
    report = {"duration_s": args.duration, "clients": args.clients, "seed": args.seed, "samples": len(samples),
              "operations": ops, "total_operations": sum(ops.values()), "unexpected_errors": len(errors),
              "start": samples[0], "end_under_load": samples[-1], "idle_after": idle,
              "growth_last_vs_first_quarter": growth, "exit_code": code,
              "allocator_clean_at_shutdown": "Arrow allocator released every buffer" in log}
    print(json.dumps(report, indent=2))
    for error in errors[:20]:
        print("error:", error)
    failed = (errors or idle["sessions"] or idle["arrow_bytes"] or growth["threads"] > THREAD_MARGIN
              or growth["fds"] > FD_MARGIN or not report["allocator_clean_at_shutdown"] or code not in (0, 143))
    print("soak:", "FAILED" if failed else "passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
