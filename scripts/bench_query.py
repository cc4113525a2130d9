"""pyarrow over Flight: SELECT * FROM lineitem, best of 3 after a warm-up. Prints `RESULT pyarrow rows seconds`."""
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


def main(port):
    client = flight.connect(f"grpc://127.0.0.1:{port}")
    run(client)
    best = float("inf")
    rows = 0
    for _ in range(3):
        start = time.perf_counter()
        rows = run(client)
        best = min(best, time.perf_counter() - start)
    print(f"RESULT pyarrow {rows} {best:.4f}")


if __name__ == "__main__":
    main(int(sys.argv[1]))
