"""TLS and mutual TLS through pyarrow and requests, start-up refusals, the DuckDB lockdown and the query timeout."""
import subprocess

import pyarrow.flight as flight
import pytest
import requests

from conftest import JAR, ROOT, BridgeProcess
from flightsql import expect_status

ENDLESS = "SELECT sum(hash(range)) AS s FROM range(1000000000000)"


def query(client, sql):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql))
    return client.do_get(info.endpoints[0].ticket).read_all()


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    directory = tmp_path_factory.mktemp("certs")
    subprocess.run([str(ROOT / "scripts" / "dev-certs"), str(directory)], check=True, capture_output=True)
    return directory


@pytest.fixture(scope="module")
def mutual(certs):
    """A server with mutual TLS on both ports and a one-second query timeout."""
    config = certs / "bridge.yaml"
    config.write_text(f"""
tls:
  enabled: true
  cert_file: {certs / 'server.pem'}
  key_file: {certs / 'server.key'}
  client_ca_file: {certs / 'ca.pem'}
limits:
  query_timeout: 1s
""")
    server = BridgeProcess(":memory:", ["--config", str(config)])
    yield server
    assert server.stop() in (0, 143), server.log()


def tls_client(server, certs, client_certificate=True):
    options = {"tls_root_certs": (certs / "ca.pem").read_bytes()}
    if client_certificate:
        options.update(cert_chain=(certs / "client.pem").read_bytes(),
                       private_key=(certs / "client.key").read_bytes())
    return flight.connect(f"grpc+tls://127.0.0.1:{server.port}", **options)


def test_the_ready_line_names_the_tls_schemes(mutual):
    assert f"grpc+tls://127.0.0.1:{mutual.port}" in mutual.log()
    assert f"https://127.0.0.1:{mutual.http_port}" in mutual.log()


def test_pyarrow_with_a_client_certificate(mutual, certs):
    with tls_client(mutual, certs) as client:
        assert query(client, "SELECT 42 AS answer").to_pylist() == [{"answer": 42}]


def test_pyarrow_without_a_client_certificate_is_refused(mutual, certs):
    with tls_client(mutual, certs, client_certificate=False) as client:
        with expect_status("UNAVAILABLE"):
            query(client, "SELECT 1")


def test_plaintext_pyarrow_is_refused(mutual):
    with flight.connect(f"grpc://127.0.0.1:{mutual.port}") as client:
        with expect_status("UNAVAILABLE"):
            query(client, "SELECT 1")


def test_requests_over_https_with_the_same_files(mutual, certs):
    response = requests.get(f"https://127.0.0.1:{mutual.http_port}/v1/query", params={"sql": "SELECT 'tls' AS t"},
                            verify=str(certs / "ca.pem"), cert=(str(certs / "client.pem"), str(certs / "client.key")),
                            timeout=60)
    assert response.status_code == 200
    assert '["tls"]' in response.text


def test_requests_without_a_client_certificate_are_refused(mutual, certs):
    with pytest.raises((requests.exceptions.SSLError, requests.exceptions.ConnectionError)):
        requests.get(f"https://127.0.0.1:{mutual.http_port}/health", verify=str(certs / "ca.pem"), timeout=60)


def test_the_query_timeout_answers_deadline_exceeded(mutual, certs):
    with tls_client(mutual, certs) as client:
        with expect_status("DEADLINE_EXCEEDED", "query timeout of PT1S"):
            query(client, ENDLESS)
        assert query(client, "SELECT 1 AS one").to_pylist() == [{"one": 1}]


@pytest.mark.parametrize("sql", ["SELECT * FROM read_csv('/etc/passwd')", "COPY (SELECT 1) TO '/tmp/bridge-x.csv'",
                                 "ATTACH '/tmp/bridge-x.db' AS x", "SET enable_external_access = true",
                                 "INSTALL httpfs"])
def test_sql_cannot_reach_files_outside_the_data_directories(client, sql):
    with expect_status("PERMISSION_DENIED"):
        query(client, sql)


@pytest.mark.parametrize("cert, key, message", [
    ("server.pem", "/nonexistent/server.key", "tls.key_file cannot read the file /nonexistent/server.key"),
    ("server.key", "server.pem", "tls.cert_file ({certs}/server.key)")])
def test_unusable_tls_files_refuse_to_start(certs, tmp_path, cert, key, message):
    """A missing file, and a key where the certificate belongs (and the other way round)."""
    config = tmp_path / "bridge.yaml"
    config.write_text(f"tls:\n  enabled: true\n  cert_file: {certs / cert}\n  key_file: {certs / key}\n")
    result = subprocess.run(
        ["java", "--add-opens=java.base/java.nio=ALL-UNNAMED", "-jar", str(JAR), "serve", "--config", str(config),
         "--database", ":memory:", "--port", "0", "--http-port", "0"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert message.format(certs=certs) in result.stderr, result.stderr
