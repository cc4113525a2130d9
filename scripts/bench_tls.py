"""What TLS costs a stream: the same query read with pyarrow from a plaintext server and from a TLS server (certificates
from scripts/dev-certs), best of 3 after a warm-up. Usage: python3 scripts/bench_tls.py [ROWS] (default 20000000).
Prints `RESULT plain|tls rows seconds MB/s`. Needs server/target/bridge.jar."""
import pathlib
import subprocess
import sys
import tempfile
import time

import pyarrow.flight as flight

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "protocol-tests" / "python"))
from conftest import BridgeProcess  # noqa: E402


def read(client, sql):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql))
    return client.do_get(info.endpoints[0].ticket).read_all()


def best_of_three(client, sql):
    read(client, sql)
    best, table = float("inf"), None
    for _ in range(3):
        start = time.perf_counter()
        table = read(client, sql)
        best = min(best, time.perf_counter() - start)
    return table, best


def main(rows):
    sql = f"SELECT range AS i, range * 2 AS j FROM range({rows})"
    with tempfile.TemporaryDirectory() as directory:
        certs = pathlib.Path(directory)
        subprocess.run([str(ROOT / "scripts" / "dev-certs"), directory], check=True, capture_output=True)
        config = certs / "tls.yaml"
        config.write_text(f"tls:\n  enabled: true\n  cert_file: {certs / 'server.pem'}\n"
                          f"  key_file: {certs / 'server.key'}\n")
        for label, args in (("plain", []), ("tls", ["--config", str(config)])):
            server = BridgeProcess(":memory:", args)
            try:
                client = (flight.connect(f"grpc://127.0.0.1:{server.port}") if label == "plain" else
                          flight.connect(f"grpc+tls://127.0.0.1:{server.port}",
                                         tls_root_certs=(certs / "ca.pem").read_bytes()))
                table, seconds = best_of_three(client, sql)
                print(f"RESULT {label} {table.num_rows} {seconds:.3f} {table.nbytes / seconds / 1e6:.0f}", flush=True)
                client.close()
            finally:
                server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000_000)
