"""Worker nodes behind a coordinator (docs/cluster.md): one coordinator and three workers as processes on 127.0.0.1,
reading the same hive-partitioned Parquet files, with authentication on everywhere; a single node answers the same
queries as the reference. Through pyarrow; the Java clients (JDBC driver, ADBC) are in ClusterTest.java."""
import hashlib
import hmac
import struct
import subprocess
import time
import os
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.flight as flight
import pyarrow.parquet as pq
import pytest
import requests

import flightsql as fs
from conftest import ROOT, BridgeProcess
from test_ops import query_log, wait_for
from test_auth import hash_password

TICKET_KEY = "cluster-test-ticket-key-0123456789abcdef"
SIGNING_KEY = "cluster-test-token-key-0123456789abcdef"
TICKET_TYPE = "type.bridge.dev/bridge.ClusterTicket"
USERS = {"alice": "reader", "bob": "reader", "wes": "writer"}
ROWS_PER_FILE = 25_000
SCAN = "SELECT id, fare, year, month FROM files.trips WHERE fare > 10"
AGGREGATE = "SELECT year, count(*) AS n, sum(fare) AS total FROM files.trips GROUP BY year ORDER BY year"
ONE_FILE_SCAN = "SELECT id, fare FROM files.journal WHERE fare > 10"


def write_dataset(directory):
    """Hive-partitioned Parquet: year=Y/month=M/part.parquet, 3 x 4 files."""
    next_id = 0
    for year in (2021, 2022, 2023):
        for month in (1, 2, 3, 4):
            part = directory / f"year={year}" / f"month={month}"
            part.mkdir(parents=True)
            ids = pa.array(range(next_id, next_id + ROWS_PER_FILE), pa.int64())
            next_id += ROWS_PER_FILE
            fares = pc.divide(pc.cast(pc.bit_wise_and(ids, 63), pa.float64()), 2.0)
            pq.write_table(pa.table({"id": ids, "fare": fares}), part / "part.parquet", row_group_size=5_000)
    # A dataset of one file (fewer files than workers): 12 row groups, outside the trips dataset's pattern.
    (directory / "journal").mkdir()
    ids = pa.array(range(12 * ROWS_PER_FILE // 2), pa.int64())
    fares = pc.divide(pc.cast(pc.bit_wise_and(ids, 63), pa.float64()), 2.0)
    pq.write_table(pa.table({"id": ids, "fare": fares}), directory / "journal" / "all.pq", row_group_size=12_500)


def node_config(directory, name, data, users, cluster):
    config = directory / f"{name}.yaml"
    config.write_text(f"""
database:
  data_directories: ['{data}']
files:
  datasets:
    - name: trips
      paths: ['{data}/**/*.parquet']
      hive_partitioning: true
    - name: journal
      paths: ['{data}/journal/*.pq']
      format: parquet
auth:
  enabled: true
  users:
{users}
  token:
    signing_key: {SIGNING_KEY}
    ttl: 10m
{cluster}
""")
    return config


class Cluster:
    def __init__(self, directory, tls=None, workers=3):
        self.data = directory / "trips"
        write_dataset(self.data)
        users = "\n".join(f"    - name: {n}\n      password_hash: \"{hash_password(n + '-pw')}\"\n      role: {r}"
                          for n, r in USERS.items())
        tls_block = "" if tls is None else (f"tls:\n  enabled: true\n  cert_file: {tls / 'server.pem'}\n"
                                            f"  key_file: {tls / 'server.key'}\n")
        scheme = "grpc+tls" if tls else "grpc"
        self.workers = []
        for i in range(workers):
            config = node_config(directory, f"worker{i}", self.data, users,
                                 f"cluster:\n  role: worker\n  ticket_key: {TICKET_KEY}\n{tls_block}")
            self.workers.append(BridgeProcess(":memory:", ["--config", str(config)]))
        locations = ", ".join(f"'{scheme}://127.0.0.1:{w.port}'" for w in self.workers)
        ca = f"  worker_ca_file: {tls / 'ca.pem'}\n" if tls else ""
        config = node_config(directory, "coordinator", self.data, users,
                             f"cluster:\n  role: coordinator\n  workers: [{locations}]\n  ticket_key: {TICKET_KEY}\n"
                             f"  health_interval: 200ms\n{ca}{tls_block}"
                             # Slices of at least 10,000 rows: the 300,000 rows split over every worker.
                             f"flight:\n  partition_min_rows: 10000\n")
        self.coordinator = BridgeProcess(str(directory / "coordinator.duckdb"), ["--config", str(config)])
        self.scheme = scheme

    def worker_locations(self):
        return {f"{self.scheme}://127.0.0.1:{w.port}": w for w in self.workers}

    def stop(self):
        for node in [self.coordinator, *self.workers]:
            if node.proc.poll() is None:
                node.stop_cleanly()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("cluster"))
    yield c
    c.stop()


@pytest.fixture(scope="module")
def single(cluster, tmp_path_factory):
    """A single node on the same files: the reference answers."""
    users = "\n".join(f"    - name: {n}\n      password_hash: \"{hash_password(n + '-pw')}\"\n      role: {r}"
                      for n, r in USERS.items())
    directory = tmp_path_factory.mktemp("single")
    server = BridgeProcess(":memory:", ["--config", str(node_config(directory, "single", cluster.data, users, ""))])
    yield server
    server.stop_cleanly()


def login(uri, user, **kwargs):
    client = flight.connect(uri, **kwargs)
    header = client.authenticate_basic_token(user.encode(), (user + "-pw").encode())
    return client, flight.FlightCallOptions(headers=[header])


def sorted_table(table):
    return table.sort_by([(name, "ascending") for name in table.column_names])


def fetch(info, client, options, connect=None):
    """Every endpoint's stream, each read where its location says (the client's own server when it has none)."""
    tables = []
    for endpoint in info.endpoints:
        if endpoint.locations:
            with (connect or flight.connect)(endpoint.locations[0].uri.decode()) as other:
                tables.append(other.do_get(endpoint.ticket, options).read_all())
        else:
            tables.append(client.do_get(endpoint.ticket, options).read_all())
    return pa.concat_tables(tables)


def single_answer(single, sql):
    client, options = login(single.uri, "alice")
    with client:
        info = client.get_flight_info(fs.statement_query(sql), options)
        return client.do_get(info.endpoints[0].ticket, options).read_all()


def placed_info(cluster, client, options, sql, timeout=60):
    """The FlightInfo of `sql` once the coordinator has seen its workers live (endpoints with worker locations)."""
    deadline = time.monotonic() + timeout
    while True:
        info = client.get_flight_info(fs.statement_query(sql), options)
        if info.endpoints[0].locations or time.monotonic() > deadline:
            return info
        time.sleep(0.2)


def split_options(options, partitions=b"auto"):
    return flight.FlightCallOptions(headers=[*options.headers, (b"x-bridge-partitions", partitions)])


def split_info(cluster, client, options, sql, live=3, timeout=60):
    """The FlightInfo of `sql` split over the workers, once the coordinator sees `live` of them."""
    deadline = time.monotonic() + timeout
    while True:
        info = client.get_flight_info(fs.statement_query(sql), split_options(options))
        if len(info.endpoints) == live and info.endpoints[0].locations or time.monotonic() > deadline:
            return info
        time.sleep(0.2)


def fetch_threaded(info, options):
    """Every endpoint read at once, one thread each, as pyarrow clients read an unordered FlightInfo."""
    def read(endpoint):
        with flight.connect(endpoint.locations[0].uri.decode()) as worker:
            return worker.do_get(endpoint.ticket, options).read_all()
    with ThreadPoolExecutor(len(info.endpoints)) as pool:
        return pa.concat_tables(pool.map(read, info.endpoints))


def sign(payload_fields, key=TICKET_KEY, expires_ms=None):
    """A cluster ticket as a coordinator signs it: version, expiry, then length-prefixed query id, SQL, slice, user
    and worker, the session's query timeout in ms (-1: none chosen) and its length-prefixed result compression
    (empty: none chosen), and the HMAC-SHA256 of all that; packed in an Any."""
    query_id, sql, slice_bytes, user, worker = payload_fields
    expires = expires_ms if expires_ms is not None else int(time.time() * 1000) + 60_000
    body = struct.pack(">iq", 2, expires)
    for field in (query_id.encode(), sql.encode(), slice_bytes, user.encode(), worker.encode()):
        body += struct.pack(">i", len(field)) + field
    body += struct.pack(">qi", -1, 0)
    signed = body + hmac.new(key.encode(), body, hashlib.sha256).digest()
    return flight.Ticket(fs.field_bytes(1, TICKET_TYPE.encode()) + fs.field_bytes(2, signed))


def test_a_dataset_query_runs_whole_on_one_worker_and_equals_the_single_node_answer(cluster, single):
    client, options = login(cluster.coordinator.uri, "alice")
    with client:
        info = placed_info(cluster, client, options, AGGREGATE)
        assert len(info.endpoints) == 1
        assert info.endpoints[0].locations[0].uri.decode() in cluster.worker_locations()
        assert fetch(info, client, options).equals(single_answer(single, AGGREGATE))


def test_a_scan_of_the_dataset_equals_the_single_node_answer(cluster, single):
    client, options = login(cluster.coordinator.uri, "alice")
    with client:
        info = placed_info(cluster, client, options, SCAN)
        assert all(e.locations[0].uri.decode() in cluster.worker_locations() for e in info.endpoints)
        assert sorted_table(fetch(info, client, options)).equals(sorted_table(single_answer(single, SCAN)))


def test_the_token_of_a_login_on_the_coordinator_works_on_every_worker(cluster):
    client, options = login(cluster.coordinator.uri, "alice")
    with client:
        for uri in cluster.worker_locations():
            with flight.connect(uri) as worker:
                info = worker.get_flight_info(fs.statement_query("SELECT 42 AS answer"), options)
                assert worker.do_get(info.endpoints[0].ticket, options).read_all().to_pylist() == [{"answer": 42}]
                with fs.expect_status("UNAUTHENTICATED", "authentication is required"):
                    worker.get_flight_info(fs.statement_query("SELECT 42 AS answer"))


def test_queries_over_each_worker_spread_by_load(cluster):
    client, options = login(cluster.coordinator.uri, "alice")
    with client:
        split_info(cluster, client, options, SCAN)  # every worker live (one slice each)
        # Tickets not redeemed yet count as load, so consecutive plans go round the workers. Each worker's count of
        # them restarts when its load is polled (every 200 ms here, at a different moment for each worker), which can
        # send two plans in a row to one worker: six plans must still reach all three.
        locations = {client.get_flight_info(fs.statement_query(AGGREGATE), options).endpoints[0].locations[0].uri
                     for _ in range(6)}
        assert len(locations) == 3


# The trips dataset splits into subsets of its 12 files; the journal, one file, into runs of its 12 row groups.
@pytest.mark.parametrize("scan, dataset, rows", [(SCAN, "trips", 12 * ROWS_PER_FILE),
                                                 (ONE_FILE_SCAN, "journal", 6 * ROWS_PER_FILE)])
def test_a_union_safe_scan_is_split_into_one_slice_per_worker_and_equals_the_single_node_answer(cluster, single,
                                                                                               scan, dataset, rows):
    client, options = login(cluster.coordinator.uri, "alice")
    with client:
        info = split_info(cluster, client, options, scan)
        workers = [e.locations[0].uri.decode() for e in info.endpoints]
        assert len(workers) == 3 and set(workers) == set(cluster.worker_locations())
        assert not info.ordered
        assert info.total_records == -1  # a WHERE: the count is not known before the scan
        assert sorted_table(fetch_threaded(info, options)).equals(sorted_table(single_answer(single, scan)))
        whole = client.get_flight_info(fs.statement_query(f"SELECT id, fare FROM files.{dataset}"),
                                       split_options(options))
        assert len(whole.endpoints) == 3 and whole.total_records == rows
        assert fetch_threaded(whole, options).num_rows == rows


def test_a_split_asks_for_no_more_slices_than_the_header_says(cluster):
    client, options = login(cluster.coordinator.uri, "alice")
    with client:
        split_info(cluster, client, options, SCAN)
        two = client.get_flight_info(fs.statement_query(SCAN), split_options(options, b"2"))
        assert len({e.locations[0].uri for e in two.endpoints}) == len(two.endpoints) == 2
        # Without the header the server's flight.partitions (off here) holds: one endpoint, the whole query.
        assert len(client.get_flight_info(fs.statement_query(SCAN), options).endpoints) == 1


def test_shapes_that_are_not_union_safe_run_whole_on_one_worker(cluster, single):
    client, options = login(cluster.coordinator.uri, "alice")
    with client:
        split_info(cluster, client, options, SCAN)
        for sql in (AGGREGATE, SCAN + " ORDER BY id", SCAN + " LIMIT 10", "SELECT DISTINCT year FROM files.trips",
                    "SELECT id, random() AS r FROM files.trips"):
            info = client.get_flight_info(fs.statement_query(sql), split_options(options))
            assert len(info.endpoints) == 1, sql
            assert info.endpoints[0].locations[0].uri.decode() in cluster.worker_locations(), sql


def test_the_coordinator_logs_one_line_with_the_partitions_and_each_worker_its_slice(cluster):
    client, options = login(cluster.coordinator.uri, "alice")
    marker = "cq_" + uuid.uuid4().hex[:8]
    sql = f"SELECT id AS {marker} FROM files.trips"
    with client:
        split_info(cluster, client, options, SCAN)
        info = client.get_flight_info(fs.statement_query(sql), split_options(options))
        assert fetch_threaded(info, options).num_rows == 12 * ROWS_PER_FILE
    lines = wait_for(lambda: query_log(cluster.coordinator, marker))
    assert len(lines) == 1, lines
    assert lines[0]["partitions"] == 3 and lines[0]["outcome"] == "ok"
    assert set(lines[0]["workers"].split(",")) == set(cluster.worker_locations())
    slices = wait_for(lambda: [line for w in cluster.workers for line in query_log(w, marker)]
                      if sum(len(query_log(w, marker)) for w in cluster.workers) == 3 else None)
    assert {line["cluster_query"] for line in slices} == {lines[0]["cluster_query"]}
    assert sum(line["rows"] for line in slices) == 12 * ROWS_PER_FILE


@pytest.mark.parametrize("scan, files", [(SCAN, "*.parquet"), (ONE_FILE_SCAN, "*.pq")])
def test_a_slice_whose_files_changed_after_planning_fails_aborted_and_reissuing_succeeds(cluster, single, scan,
                                                                                        files):
    client, options = login(cluster.coordinator.uri, "alice")
    with client:
        info = split_info(cluster, client, options, scan)
        # Every file's modification time moves (the contents stay): each slice's stamps no longer match.
        for path in cluster.data.rglob(files):
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
        endpoint = info.endpoints[0]
        with flight.connect(endpoint.locations[0].uri.decode()) as worker, \
                fs.expect_status("ABORTED", "changed since the query was planned; run it again"):
            worker.do_get(endpoint.ticket, options).read_all()
        # Re-issued once the coordinator listed the files again (within a second: a file rewritten in place keeps
        # its directory's stamp), the slices carry the new stamps and succeed.
        def reissued():
            try:
                return fetch_threaded(split_info(cluster, client, options, scan), options)
            except flight.FlightError as e:
                assert "changed since the query was planned" in str(e)
                return None
        answer = wait_for(reissued, timeout=20, interval=0.3)
        assert answer is not None
        assert sorted_table(answer).equals(sorted_table(single_answer(single, scan)))


def test_a_forged_slice_of_a_table_is_refused_by_a_worker(cluster):
    _, alice = login(cluster.coordinator.uri, "alice")
    worker_uri = next(iter(cluster.worker_locations()))
    table_slice = (b'{"sql":"SELECT 1","index":0,"count":2,"slice":{"kind":"table_rows","table":{"catalog":"memory",'
                   b'"schema":"main","name":"t"},"fromRowid":0,"toRowid":10,"epoch":0,"version":0,"physicalRows":10}}')
    ticket = sign([str(uuid.uuid4()), "SELECT 1", table_slice, "alice", worker_uri])
    with flight.connect(worker_uri) as worker, fs.expect_status("INVALID_ARGUMENT", "some files of a dataset"):
        worker.do_get(ticket, alice).read_all()


def test_a_query_of_a_coordinator_table_and_every_write_stay_on_the_coordinator(cluster):
    client, options = login(cluster.coordinator.uri, "wes")
    with client:
        for sql in ("CREATE OR REPLACE TABLE local_notes(n INTEGER)", "INSERT INTO local_notes VALUES (1), (2)"):
            writer, reader = client.do_put(fs.statement_update(sql), pa.schema([]), options)
            fs.finish_put(writer, reader)
        # A write sent as a query runs here too (it is planned and run where the database is).
        info = client.get_flight_info(fs.statement_query("INSERT INTO local_notes VALUES (0) RETURNING n"), options)
        assert not info.endpoints[0].locations
        assert client.do_get(info.endpoints[0].ticket, options).read_all().to_pylist() == [{"n": 0}]
        info = client.get_flight_info(fs.statement_query("SELECT sum(n) AS s FROM local_notes"), options)
        assert not info.endpoints[0].locations
        assert client.do_get(info.endpoints[0].ticket, options).read_all().to_pylist() == [{"s": 3}]
        # A join of a coordinator table and the dataset reads this node's database: it stays here too.
        info = client.get_flight_info(fs.statement_query(
            "SELECT count(*) AS c FROM files.trips t JOIN local_notes l ON t.month = l.n"), options)
        assert not info.endpoints[0].locations
        assert client.do_get(info.endpoints[0].ticket, options).read_all().to_pylist() == [{"c": 6 * ROWS_PER_FILE}]


def test_a_query_in_a_transaction_stays_on_the_coordinator(cluster):
    client, options = login(cluster.coordinator.uri, "alice")
    with client:
        placed_info(cluster, client, options, AGGREGATE)
        result = list(client.do_action(flight.Action(
            "BeginTransaction", fs.pack("ActionBeginTransactionRequest", b"")), options))
        transaction = fs.fields(fs.unpack(result[0].body.to_pybytes())[1])[1]
        info = client.get_flight_info(fs.statement_query_in(AGGREGATE, transaction), options)
        assert not info.endpoints[0].locations


def test_proxy_mode_points_every_endpoint_at_the_coordinator_which_relays_the_stream(cluster, single):
    client, options = login(cluster.coordinator.uri, "alice")
    proxied = flight.FlightCallOptions(headers=[*options.headers, (b"x-bridge-proxy", b"true")])
    with client:
        placed_info(cluster, client, options, SCAN)
        info = client.get_flight_info(fs.statement_query(SCAN), proxied)
        assert all(not e.locations for e in info.endpoints)
        relayed = pa.concat_tables([client.do_get(e.ticket, options).read_all() for e in info.endpoints])
        assert sorted_table(relayed).equals(sorted_table(single_answer(single, SCAN)))


def test_a_proxy_header_that_is_not_true_or_false_is_refused(cluster):
    client, options = login(cluster.coordinator.uri, "alice")
    with client, fs.expect_status("INVALID_ARGUMENT", "x-bridge-proxy: must be true or false"):
        client.get_flight_info(fs.statement_query("SELECT 1"),
                               flight.FlightCallOptions(headers=[*options.headers, (b"x-bridge-proxy", b"yes")]))


def test_a_worker_refuses_a_ticket_issued_to_another_user(cluster):
    client, alice = login(cluster.coordinator.uri, "alice")
    with client:
        info = placed_info(cluster, client, alice, AGGREGATE)
        _, bob = login(cluster.coordinator.uri, "bob")
        with flight.connect(info.endpoints[0].locations[0].uri.decode()) as worker, \
                fs.expect_status("PERMISSION_DENIED", "issued to user 'alice', not to 'bob'"):
            worker.do_get(info.endpoints[0].ticket, bob).read_all()


def test_a_worker_refuses_a_forged_ticket(cluster):
    _, alice = login(cluster.coordinator.uri, "alice")
    worker_uri = next(iter(cluster.worker_locations()))
    forged = sign([str(uuid.uuid4()), AGGREGATE, b"", "alice", worker_uri], key="not-the-key-0123456789abcdef-0000")
    with flight.connect(worker_uri) as worker, \
            fs.expect_status("UNAUTHENTICATED", "not one this cluster's coordinator issued: its signature does not"):
        worker.do_get(forged, alice).read_all()


def test_a_worker_refuses_a_ticket_whose_bytes_were_changed(cluster):
    client, alice = login(cluster.coordinator.uri, "alice")
    with client:
        info = placed_info(cluster, client, alice, AGGREGATE)
        ticket = bytearray(info.endpoints[0].ticket.ticket)
        where = bytes(ticket).find(b"GROUP BY year")
        ticket[where:where + 13] = b"GROUP BY mont"
        with flight.connect(info.endpoints[0].locations[0].uri.decode()) as worker, \
                fs.expect_status("UNAUTHENTICATED", "signature does not verify"):
            worker.do_get(flight.Ticket(bytes(ticket)), alice).read_all()


def test_a_worker_refuses_an_expired_ticket(cluster):
    _, alice = login(cluster.coordinator.uri, "alice")
    worker_uri = next(iter(cluster.worker_locations()))
    expired = sign([str(uuid.uuid4()), AGGREGATE, b"", "alice", worker_uri],
                   expires_ms=int(time.time() * 1000) - 1_000)
    with flight.connect(worker_uri) as worker, \
            fs.expect_status("UNAUTHENTICATED", "the cluster ticket expired at .*GetFlightInfo on the coordinator"):
        worker.do_get(expired, alice).read_all()


def test_a_worker_serves_no_write_even_from_a_signed_ticket(cluster):
    _, wes = login(cluster.coordinator.uri, "wes")
    worker_uri = next(iter(cluster.worker_locations()))
    write = sign([str(uuid.uuid4()), "CREATE TABLE sneaky AS SELECT 1 AS x", b"", "wes", worker_uri])
    with flight.connect(worker_uri) as worker, fs.expect_status("PERMISSION_DENIED", "carries only queries"):
        worker.do_get(write, wes).read_all()


def test_a_single_node_refuses_cluster_tickets(single):
    _, alice = login(single.uri, "alice")
    ticket = sign([str(uuid.uuid4()), "SELECT 1", b"", "alice", single.uri])
    with flight.connect(single.uri) as client, fs.expect_status("FAILED_PRECONDITION", "single node"):
        client.do_get(ticket, alice).read_all()


# ---- Session options set on the coordinator travel in the signed tickets ---------------------------------------------

def compressed_bytes(worker, bearer, codec):
    """What a worker's streams sent through `codec` so far (before compressing), from its /metrics."""
    text = requests.get(worker.http_url + "/metrics", headers={"authorization": bearer}, timeout=10).text
    match = re.search(r'^bridge_flight_compression_bytes_total\{codec="%s",stage="before"\} (\S+)$' % codec, text,
                      re.M)
    return float(match.group(1)) if match else 0.0


def test_the_compression_a_session_chose_on_the_coordinator_applies_to_the_workers_streams(cluster, single):
    client, options = login(cluster.coordinator.uri, "bob")
    bearer = dict(options.headers)[b"authorization"].decode()
    with client:
        fs.set_session_options(client, options, **{"x-bridge-compression": "zstd"})
        info = split_info(cluster, client, options, SCAN)
        assert len(info.endpoints) == 3
        workers = cluster.worker_locations()
        before = {uri: compressed_bytes(worker, bearer, "zstd") for uri, worker in workers.items()}
        # The calls to the workers carry no compression header and no session of bob's there chose one.
        table = fetch_threaded(info, options)
        assert sorted_table(table).equals(sorted_table(single_answer(single, SCAN)))
        for endpoint in info.endpoints:
            uri = endpoint.locations[0].uri.decode()
            assert compressed_bytes(workers[uri], bearer, "zstd") > before[uri], uri
        # A call's own header still wins over the session's choice.
        plain = client.get_flight_info(fs.statement_query(SCAN), options)
        uri = plain.endpoints[0].locations[0].uri.decode()
        zstd_before = compressed_bytes(workers[uri], bearer, "zstd")
        with flight.connect(uri) as worker:
            none = flight.FlightCallOptions(headers=[*options.headers, (b"x-bridge-compression", b"none")])
            assert worker.do_get(plain.endpoints[0].ticket, none).read_all().num_rows == table.num_rows
        assert compressed_bytes(workers[uri], bearer, "zstd") == zstd_before


def test_the_query_timeout_a_session_set_on_the_coordinator_interrupts_the_query_on_its_worker(cluster):
    client, options = login(cluster.coordinator.uri, "bob")
    marker = "qt_" + uuid.uuid4().hex[:8]
    # Files only, so it runs on a worker; a cross product of 300,000 rows with itself runs for minutes.
    slow = f"SELECT sum(a.fare * b.fare) AS {marker} FROM files.trips a, files.trips b"
    with client:
        fs.set_session_options(client, options, query_timeout="300ms")
        info = placed_info(cluster, client, options, slow)
        assert len(info.endpoints) == 1 and info.endpoints[0].locations
        uri = info.endpoints[0].locations[0].uri.decode()
        started = time.monotonic()
        with flight.connect(uri) as worker, fs.expect_status("DEADLINE_EXCEEDED", "query timeout of PT0.3S"):
            worker.do_get(info.endpoints[0].ticket, options).read_all()
        assert time.monotonic() - started < 30
    lines = wait_for(lambda: query_log(cluster.worker_locations()[uri], marker))
    assert len(lines) == 1 and lines[0]["outcome"] == "timed_out", lines


# ---- TLS: grpc+tls:// locations, the coordinator trusting its workers through cluster.worker_ca_file ------------------

@pytest.fixture(scope="module")
def tls_cluster(tmp_path_factory):
    certs = tmp_path_factory.mktemp("cluster-certs")
    subprocess.run([str(ROOT / "scripts" / "dev-certs"), str(certs)], check=True, capture_output=True)
    c = Cluster(tmp_path_factory.mktemp("tls-cluster"), tls=certs, workers=2)
    c.certs = certs
    yield c
    c.stop()


def tls_connect(certs):
    return lambda uri: flight.connect(uri, tls_root_certs=(certs / "ca.pem").read_bytes())


def test_under_tls_endpoints_are_grpc_tls_locations_and_answers_match(tls_cluster, single):
    connect = tls_connect(tls_cluster.certs)
    client, options = login(f"grpc+tls://127.0.0.1:{tls_cluster.coordinator.port}", "alice",
                            tls_root_certs=(tls_cluster.certs / "ca.pem").read_bytes())
    with client:
        info = placed_info(tls_cluster, client, options, AGGREGATE)
        assert info.endpoints[0].locations[0].uri.decode().startswith("grpc+tls://127.0.0.1:")
        assert fetch(info, client, options, connect).equals(single_answer(single, AGGREGATE))
        proxied = flight.FlightCallOptions(headers=[*options.headers, (b"x-bridge-proxy", b"true")])
        info = client.get_flight_info(fs.statement_query(SCAN), proxied)
        assert not info.endpoints[0].locations
        relayed = fetch(info, client, options)
        assert sorted_table(relayed).equals(sorted_table(single_answer(single, SCAN)))


# ---- Failures: these kill workers, so they run last and leave fewer live ones ---------------------------------------

def test_a_worker_killed_before_the_fetch_fails_unavailable_and_reissuing_succeeds(cluster, single):
    client, options = login(cluster.coordinator.uri, "alice")
    with client:
        info = placed_info(cluster, client, options, AGGREGATE)
        split = split_info(cluster, client, options, SCAN)
        victim_uri = split.endpoints[0].locations[0].uri.decode()
        victim = cluster.worker_locations()[victim_uri]
        victim.proc.kill()
        victim.proc.wait()
        # The dead worker's slice fails UNAVAILABLE; so does a whole query placed there.
        with flight.connect(victim_uri) as gone, fs.expect_status("UNAVAILABLE"):
            gone.do_get(split.endpoints[0].ticket, options).read_all()
        if info.endpoints[0].locations[0].uri.decode() == victim_uri:
            with flight.connect(victim_uri) as gone, fs.expect_status("UNAVAILABLE"):
                gone.do_get(info.endpoints[0].ticket, options).read_all()
        # Re-issued, the query is split over the two live workers only, with the single node's rows.
        again = split_info(cluster, client, options, SCAN, live=2)
        assert victim_uri not in {e.locations[0].uri.decode() for e in again.endpoints}
        assert len(again.endpoints) == 2
        assert sorted_table(fetch_threaded(again, options)).equals(sorted_table(single_answer(single, SCAN)))
        again = client.get_flight_info(fs.statement_query(AGGREGATE), options)
        assert again.endpoints[0].locations[0].uri.decode() != victim_uri
        assert fetch(again, client, options).equals(single_answer(single, AGGREGATE))
        # The dead worker is never chosen again while it is down.
        for _ in range(4):
            planned = client.get_flight_info(fs.statement_query(AGGREGATE), options)
            assert planned.endpoints[0].locations[0].uri.decode() != victim_uri


def test_a_worker_killed_while_streaming_fails_the_read_and_reissuing_succeeds(cluster, single):
    client, options = login(cluster.coordinator.uri, "alice")
    values = ", ".join(f"({i})" for i in range(40))
    big = f"SELECT a.id, b.id AS other FROM files.trips a, (VALUES {values}) b(id)"
    with client:
        info = placed_info(cluster, client, options, big)
        victim_uri = info.endpoints[0].locations[0].uri.decode()
        victim = cluster.worker_locations()[victim_uri]
        with flight.connect(victim_uri) as worker:
            reader = worker.do_get(info.endpoints[0].ticket, options)
            reader.read_chunk()
            victim.proc.kill()
            victim.proc.wait()
            with pytest.raises((flight.FlightError, pa.ArrowException)):
                while True:
                    reader.read_chunk()
        again = client.get_flight_info(fs.statement_query(AGGREGATE), options)
        assert again.endpoints[0].locations[0].uri.decode() != victim_uri
        assert fetch(again, client, options).equals(single_answer(single, AGGREGATE))


def test_a_relayed_fetch_from_a_killed_worker_fails_unavailable_and_reissuing_succeeds(cluster, single):
    client, options = login(cluster.coordinator.uri, "alice")
    proxied = flight.FlightCallOptions(headers=[*options.headers, (b"x-bridge-proxy", b"true")])
    with client:
        placed_info(cluster, client, options, AGGREGATE)
        info = client.get_flight_info(fs.statement_query(AGGREGATE), proxied)
        # The proxied ticket names its worker; kill whichever live worker it was placed on.
        target = next(uri for uri in cluster.worker_locations() if uri.encode() in info.endpoints[0].ticket.ticket)
        victim = cluster.worker_locations()[target]
        victim.proc.kill()
        victim.proc.wait()
        with fs.expect_status("UNAVAILABLE"):
            client.do_get(info.endpoints[0].ticket, options).read_all()
        again = client.get_flight_info(fs.statement_query(AGGREGATE), proxied)
        assert target.encode() not in again.endpoints[0].ticket.ticket
        assert fetch(again, client, options).equals(single_answer(single, AGGREGATE))


def test_with_every_worker_dead_the_coordinator_answers_itself(cluster, single):
    for worker in cluster.workers:
        if worker.proc.poll() is None:
            worker.proc.kill()
            worker.proc.wait()
    client, options = login(cluster.coordinator.uri, "alice")
    with client:
        deadline = time.monotonic() + 10
        info = client.get_flight_info(fs.statement_query(AGGREGATE), options)
        while info.endpoints[0].locations and time.monotonic() < deadline:
            time.sleep(0.2)
            info = client.get_flight_info(fs.statement_query(AGGREGATE), options)
        assert not info.endpoints[0].locations
        assert fetch(info, client, options).equals(single_answer(single, AGGREGATE))
