"""Authentication and roles through pyarrow.flight and plain HTTP, against a server started with auth enabled."""
import base64
import json
import subprocess
import tempfile
import urllib.error
import urllib.request

import pyarrow as pa
import pyarrow.flight as flight
import pytest

import flightsql as fs
from conftest import JAR, BridgeProcess

JAVA = ["java", "--add-opens=java.base/java.nio=ALL-UNNAMED", "-jar", str(JAR)]
USERS = {"wes": "writer", "rey": "reader"}


def hash_password(password: str) -> str:
    """bridge hash-password, fed the password on standard input as a script would."""
    result = subprocess.run([*JAVA, "hash-password", "--cost", "4"], input=password + "\n", capture_output=True,
                            text=True, timeout=60, check=True)
    return result.stdout.strip()


@pytest.fixture(scope="module")
def auth_bridge(tmp_path_factory):
    directory = tmp_path_factory.mktemp("auth")
    users = "\n".join(f"    - name: {name}\n      password_hash: \"{hash_password(name + '-pw')}\"\n      role: {role}"
                      for name, role in USERS.items())
    config = directory / "bridge.yaml"
    config.write_text(f"auth:\n  enabled: true\n  users:\n{users}\n  token:\n"
                      f"    signing_key: python-test-signing-key-0123456789abcdef\n    ttl: 10m\n")
    server = BridgeProcess(":memory:", ["--config", str(config)])
    yield server
    server.stop_cleanly()


@pytest.fixture()
def anonymous(auth_bridge):
    c = auth_bridge.client()
    yield c
    c.close()


def login(client, user):
    """pyarrow's Basic handshake; the answer is the header pair to pass on every later call."""
    header = client.authenticate_basic_token(user.encode(), (user + "-pw").encode())
    return flight.FlightCallOptions(headers=[header])


def run(client, sql, options):
    info = client.get_flight_info(fs.statement_query(sql), options)
    return client.do_get(info.endpoints[0].ticket, options).read_all()


def test_hash_password_prints_a_bcrypt_hash():
    assert hash_password("secret").startswith("$2a$04$")


def test_basic_token_then_queries_with_the_returned_header(anonymous):
    options = login(anonymous, "rey")
    assert run(anonymous, "SELECT 42 AS answer", options).to_pydict() == {"answer": [42]}


def test_wrong_password_is_unauthenticated(anonymous):
    with fs.expect_status("UNAUTHENTICATED", "wrong user name or password"):
        anonymous.authenticate_basic_token(b"rey", b"not-it")


def test_calls_without_or_with_a_bad_token_are_unauthenticated(anonymous):
    bad = flight.FlightCallOptions(headers=[(b"authorization", b"Bearer not.a.jwt")])
    for options in (flight.FlightCallOptions(), bad):
        with fs.expect_status("UNAUTHENTICATED"):
            anonymous.get_flight_info(fs.statement_query("SELECT 1"), options)
        with fs.expect_status("UNAUTHENTICATED"):
            list(anonymous.list_actions(options))
        with fs.expect_status("UNAUTHENTICATED"):
            anonymous.do_get(flight.Ticket(b"x"), options).read_all()
        with fs.expect_status("UNAUTHENTICATED"):
            list(anonymous.list_flights(options=options))


def test_a_reader_is_refused_writes_and_ingest(anonymous):
    options = login(anonymous, "rey")
    for sql in ("CREATE TABLE t(a INT)", "SELECT 1; CREATE TABLE t(a INT)",
                "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x"):
        with fs.expect_status("PERMISSION_DENIED", "role reader"):
            anonymous.get_flight_info(fs.statement_query(sql), options)
    table = pa.table({"id": [1, 2]})
    writer, reader = anonymous.do_put(fs.statement_ingest("uploads", mode="create"), table.schema, options)
    with fs.expect_status("PERMISSION_DENIED", "role reader"):
        writer.write_table(table)
        fs.finish_put(writer, reader)


def test_a_writer_writes_and_its_ticket_is_useless_to_another_user(anonymous):
    writer = login(anonymous, "wes")
    table = pa.table({"id": [1, 2, 3]})
    put, metadata = anonymous.do_put(fs.statement_ingest("py_uploads", mode="create"), table.schema, writer)
    put.write_table(table)
    assert fs.finish_put(put, metadata) == 3
    info = anonymous.get_flight_info(fs.statement_query("SELECT sum(id) AS s FROM py_uploads"), writer)
    reader = login(anonymous, "rey")
    with fs.expect_status("NOT_FOUND"):
        anonymous.do_get(info.endpoints[0].ticket, reader).read_all()
    assert anonymous.do_get(info.endpoints[0].ticket, writer).read_all().to_pydict() == {"s": [6]}


def test_rest_needs_credentials_except_health(auth_bridge):
    url = auth_bridge.http_url
    with urllib.request.urlopen(url + "/health") as response:
        assert response.status == 200
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url + "/v1/query?sql=SELECT%201")
    assert refused.value.code == 401
    assert json.loads(refused.value.read())["error"]["code"] == "UNAUTHENTICATED"
    basic = "Basic " + base64.b64encode(b"rey:rey-pw").decode()
    request = urllib.request.Request(url + "/v1/query?sql=SELECT%201", headers={"Authorization": basic})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200


def test_listening_beyond_loopback_without_auth_refuses_to_start():
    result = subprocess.run([*JAVA, "serve", "--database", ":memory:", "--host", "0.0.0.0", "--port", "0",
                             "--no-http"], capture_output=True, text=True, timeout=60, cwd=tempfile.gettempdir())
    assert result.returncode == 2, result.stderr
    assert "refusing to listen on 0.0.0.0 without authentication" in result.stderr
    assert "--insecure" in result.stderr


def test_insecure_allows_listening_beyond_loopback():
    # Binds 0.0.0.0 only to see the server start; no traffic is sent to it.
    server = BridgeProcess(":memory:", ["--insecure", "--no-http"], host="0.0.0.0")
    assert server.port > 0
    assert server.stop() in (0, 143)
