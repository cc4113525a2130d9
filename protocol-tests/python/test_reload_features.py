"""Configuration edits of auth, datasets and limits under a running server process, and the auth metrics on the
Flight door: the features merged from separate branches, exercised together through pyarrow.flight and HTTP."""
import textwrap

import pyarrow as pa
import pyarrow.flight as flight
import pyarrow.parquet as pq
import pytest
import requests

import flightsql as fs
from conftest import BridgeProcess
from test_auth import hash_password
from test_ops import edit, wait_for

SIGNING_KEY = "reload-test-signing-key-0123456789abcdef"
ENDLESS = "SELECT sum(hash(range)) AS s FROM range(1000000000000)"


@pytest.fixture(scope="module")
def hashes():
    """bcrypt hashes (cost 4) of name + '-pw', made once: bridge hash-password starts a JVM each time."""
    return {name: hash_password(name + "-pw") for name in ("ada", "neo")}


def auth_yaml(hashes, users):
    """An auth section with users (name -> role), each with the password name + '-pw'."""
    entries = "".join(f"    - name: {name}\n      password_hash: \"{hashes[name]}\"\n      role: {role}\n"
                      for name, role in users.items())
    return (f"auth:\n  enabled: true\n  users:\n{entries}"
            f"  token:\n    signing_key: {SIGNING_KEY}\n    ttl: 10m\n")


def start(config, text):
    config.write_text(text)
    server = BridgeProcess(":memory:", extra_args=("--config", str(config)))
    wait_for(lambda: "watching" in server.log())
    return server


def stop(server):
    code = server.stop()
    assert code in (0, 143), server.log()
    assert "Arrow allocator released every buffer" in server.log(), server.log()


def login(client, user):
    header = client.authenticate_basic_token(user.encode(), (user + "-pw").encode())
    return flight.FlightCallOptions(headers=[header])


def run(client, sql, options=None):
    options = options or flight.FlightCallOptions()
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql), options)
    return client.do_get(info.endpoints[0].ticket, options).read_all()


# ---- auth.users --------------------------------------------------------------------------------------------------

@pytest.fixture()
def auth_server(tmp_path, hashes):
    config = tmp_path / "bridge.yaml"
    server = start(config, auth_yaml(hashes, {"ada": "admin"}))
    yield server, config
    stop(server)


def test_an_added_user_logs_in_and_a_removed_users_token_stops_working(auth_server, hashes):
    server, config = auth_server
    with server.client() as client:
        with fs.expect_status("UNAUTHENTICATED", "wrong user name or password"):
            login(client, "neo")
        edit(config, auth_yaml(hashes, {"ada": "admin", "neo": "reader"}), server,
             "configuration reloaded; applied [auth.users]")
        neo = login(client, "neo")
        assert run(client, "SELECT 7 AS seven", neo).to_pydict() == {"seven": [7]}

        edit(config, auth_yaml(hashes, {"ada": "admin"}), server, "configuration reloaded; applied [auth.users]")
        with fs.expect_status("UNAUTHENTICATED", "no longer exists"):
            run(client, "SELECT 7 AS seven", neo)
        with fs.expect_status("UNAUTHENTICATED", "wrong user name or password"):
            login(client, "neo")
        assert run(client, "SELECT 1 AS one", login(client, "ada")).to_pydict() == {"one": [1]}


def test_an_unreadable_external_key_file_is_refused_and_logins_keep_working(auth_server, hashes, tmp_path):
    server, config = auth_server
    missing = tmp_path / "no-such-key.pem"
    edit(config, auth_yaml(hashes, {"ada": "admin", "neo": "reader"})
         + f"  external_jwt:\n    public_key_file: {missing}\n    issuer: https://idp.example\n", server,
         "refused, the running values stay")
    line = [l for l in server.log_lines if "refused, the running values stay" in l][-1]
    assert "auth.external_jwt.public_key_file" in line and str(missing) in line, line
    with server.client() as client:
        assert run(client, "SELECT 1 AS one", login(client, "ada")).to_pydict() == {"one": [1]}
        # Users, token and key are replaced together, so the user added in the same edit is refused with it.
        with fs.expect_status("UNAUTHENTICATED", "wrong user name or password"):
            login(client, "neo")


def test_turning_auth_off_needs_a_restart(auth_server, hashes):
    server, config = auth_server
    edit(config, auth_yaml(hashes, {"ada": "admin"}).replace("enabled: true", "enabled: false"), server,
         "needs a restart")
    assert "[auth.enabled]" in [l for l in server.log_lines if "needs a restart" in l][-1]
    with server.client() as client:
        with fs.expect_status("UNAUTHENTICATED"):
            run(client, "SELECT 1")


# ---- Metrics with auth on ----------------------------------------------------------------------------------------

def rejected(server, reason, token):
    response = requests.get(f"{server.http_url}/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    series = f'bridge_auth_rejected_total{{reason="{reason}"}} '
    return next((float(line[len(series):]) for line in response.text.splitlines() if line.startswith(series)), 0.0)


def test_metrics_need_credentials_and_count_flight_rejections(auth_server):
    server, _ = auth_server
    assert requests.get(f"{server.http_url}/metrics").status_code == 401
    assert requests.get(f"{server.http_url}/health").status_code == 200
    with server.client() as client:
        header = client.authenticate_basic_token(b"ada", b"ada-pw")
        token = header[1].decode().split(" ", 1)[1]
        before = {reason: rejected(server, reason, token) for reason in ("malformed", "bad_password", "missing")}
        with fs.expect_status("UNAUTHENTICATED"):
            run(client, "SELECT 1", flight.FlightCallOptions(headers=[(b"authorization", b"Bearer not.a.jwt")]))
        with fs.expect_status("UNAUTHENTICATED"):
            client.authenticate_basic_token(b"ada", b"wrong")
        with fs.expect_status("UNAUTHENTICATED"):
            run(client, "SELECT 1")
        after = {reason: rejected(server, reason, token) for reason in before}
    assert after == {reason: count + 1 for reason, count in before.items()}, (before, after)


# ---- files.datasets ----------------------------------------------------------------------------------------------

@pytest.fixture()
def data_server(tmp_path):
    data = tmp_path / "data"
    (data / "trips").mkdir(parents=True)
    (data / "cities").mkdir()
    pq.write_table(pa.table({"id": [1, 2, 3]}), data / "trips" / "a.parquet")
    pq.write_table(pa.table({"city": ["x", "y"]}), data / "cities" / "c.parquet")
    config = tmp_path / "bridge.yaml"
    server = start(config, datasets_yaml(data, {"trips": "trips/*.parquet"}))
    yield server, config, data
    stop(server)


def datasets_yaml(data, datasets, extra=""):
    entries = "".join(f"    - name: {name}\n      paths: [\"{glob}\"]\n" for name, glob in datasets.items())
    return f"database:\n  data_directories: [\"{data}\"]\nfiles:\n  datasets:\n{entries}{extra}"


def listed(client):
    """The last path element of each flight list_flights names (a dataset's name)."""
    return {info.descriptor.path[-1].decode() if isinstance(info.descriptor.path[-1], bytes)
            else info.descriptor.path[-1] for info in client.list_flights()}


def test_an_added_dataset_is_queryable_and_listed_without_a_restart(data_server):
    server, config, data = data_server
    with server.client() as client:
        assert "cities" not in listed(client)
        edit(config, datasets_yaml(data, {"trips": "trips/*.parquet", "cities": "cities/*.parquet"}), server,
             "configuration reloaded; applied [files.datasets]")
        assert run(client, "SELECT city FROM files.cities ORDER BY city").to_pydict() == {"city": ["x", "y"]}
        assert {"trips", "cities"} <= listed(client)


def test_a_dataset_outside_the_data_directories_is_refused_and_the_old_ones_stay(data_server, tmp_path):
    server, config, data = data_server
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    edit(config, datasets_yaml(data, {"trips": "trips/*.parquet", "stolen": f"{outside}/*.parquet"}), server,
         "refused, the running values stay")
    line = [l for l in server.log_lines if "refused, the running values stay" in l][-1]
    assert "files.datasets" in line and "stolen" in line, line
    with server.client() as client:
        assert run(client, "SELECT count(*) AS n FROM files.trips").to_pydict() == {"n": [3]}
        with fs.expect_status("NOT_FOUND"):
            run(client, "SELECT * FROM files.stolen")
        assert "stolen" not in listed(client)
    # The refused edit was not taken as running: putting the old list back is no change, a valid one applies.
    edit(config, datasets_yaml(data, {"trips": "trips/*.parquet", "cities": "cities/*.parquet"}), server,
         "configuration reloaded; applied [files.datasets]")
    with server.client() as client:
        assert run(client, "SELECT count(*) AS n FROM files.cities").to_pydict() == {"n": [2]}


# ---- limits.query_timeout ----------------------------------------------------------------------------------------

def test_a_new_query_timeout_applies_to_the_next_statement(tmp_path):
    config = tmp_path / "bridge.yaml"
    server = start(config, "limits:\n  query_timeout: 0s\n")
    try:
        with server.client() as client:
            assert run(client, "SELECT 1 AS one").to_pydict() == {"one": [1]}
            edit(config, "limits:\n  query_timeout: 500ms\n", server,
                 "configuration reloaded; applied [limits.query_timeout]")
            with fs.expect_status("DEADLINE_EXCEEDED", "query timeout of PT0.5S"):
                run(client, ENDLESS)
            assert run(client, "SELECT 2 AS two").to_pydict() == {"two": [2]}
    finally:
        stop(server)


# ---- http.cors ---------------------------------------------------------------------------------------------------

APP = "http://127.0.0.1:8081"


def preflight(server, origin):
    return requests.options(server.http_url + "/v1/query", timeout=10, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})


def test_an_allowed_origin_added_or_removed_by_an_edit_applies_to_the_next_request(tmp_path):
    config = tmp_path / "bridge.yaml"
    server = start(config, "http:\n  port: 0\n")
    try:
        answer = requests.get(server.http_url + "/v1/query?sql=SELECT%201", headers={"Origin": APP}, timeout=10)
        assert answer.status_code == 200
        assert "Access-Control-Allow-Origin" not in answer.headers

        edit(config, f"http:\n  port: 0\n  cors:\n    allowed_origins: [\"{APP}\"]\n", server,
             "configuration reloaded; applied [http.cors.allowed_origins]")
        answer = requests.get(server.http_url + "/v1/query?sql=SELECT%201", headers={"Origin": APP}, timeout=10)
        assert answer.headers["Access-Control-Allow-Origin"] == APP
        assert answer.headers["Vary"] == "Origin"
        assert preflight(server, APP).status_code == 204

        edit(config, "http:\n  port: 0\n  cors:\n    allowed_origins: [\"https://other.example\"]\n", server,
             "configuration reloaded; applied [http.cors.allowed_origins]")
        answer = requests.get(server.http_url + "/v1/query?sql=SELECT%201", headers={"Origin": APP}, timeout=10)
        assert "Access-Control-Allow-Origin" not in answer.headers
        assert preflight(server, APP).status_code == 403
    finally:
        stop(server)


def test_an_allowed_origin_with_a_path_is_refused_and_the_running_origins_stay(tmp_path):
    config = tmp_path / "bridge.yaml"
    server = start(config, f"http:\n  port: 0\n  cors:\n    allowed_origins: [\"{APP}\"]\n")
    try:
        edit(config, "http:\n  port: 0\n  cors:\n    allowed_origins: [\"http://127.0.0.1:8081/app\"]\n", server,
             "configuration reload rejected")
        assert "http.cors.allowed_origins[0] must be an origin" in server.log()
        assert preflight(server, APP).headers["Access-Control-Allow-Origin"] == APP
    finally:
        stop(server)
