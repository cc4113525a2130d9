"""Configured datasets (Parquet, CSV, JSON files as live views) and Flight-native access by path, through pyarrow.

One server process serves a temporary data directory; the tests write, widen, delete and corrupt files while it
runs and read what plain pyarrow.flight sees: list_flights, get_flight_info / get_schema on path descriptors, do_get.
"""
import os
import textwrap

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.flight as flight
import pyarrow.parquet as pq
import pytest

from conftest import BridgeProcess
from flightsql import expect_status


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def served(data, tmp_path_factory):
    write_parquet(data / "trips" / "a.parquet", {"id": [1, 2, 3], "city": ["x", "y", "z"]})
    for year in (2023, 2024):
        for month in (1, 2):
            write_parquet(data / "sales" / f"year={year}" / f"month={month}" / "part.parquet",
                          {"amount": [year * 100 + month] * 4})
    config = tmp_path_factory.mktemp("conf") / "bridge.yaml"
    config.write_text(textwrap.dedent(f"""\
        database:
          data_directories: ["{data}"]
        files:
          datasets:
            - name: trips
              paths: ["trips/*.parquet"]
            - name: sales
              paths: ["sales/**/*.parquet"]
              hive_partitioning: true
            - name: readings
              paths: ["readings/*.csv"]
              csv: {{delimiter: "|", header: true}}
            - name: broken
              paths: ["broken/*.json"]
        """))
    server = BridgeProcess(":memory:", extra_args=["--config", str(config)])
    yield server
    server.stop_cleanly()


@pytest.fixture()
def client(served):
    c = served.client()
    yield c
    c.close()


def write_parquet(path, columns):
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name("." + path.name + ".partial")
    pq.write_table(pa.table(columns), partial)
    os.replace(partial, path)


def read_path(client, *path):
    info = client.get_flight_info(flight.FlightDescriptor.for_path(*path))
    assert len(info.endpoints) == 1
    return client.do_get(info.endpoints[0].ticket).read_all()


def query(client, sql):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql))
    return client.do_get(info.endpoints[0].ticket).read_all()


def flights(client, criteria=b""):
    return {tuple(p.decode() for p in info.descriptor.path): info for info in client.list_flights(criteria)}


def test_list_flights_lists_tables_views_and_datasets_with_their_schema(client):
    query(client, "CREATE TABLE IF NOT EXISTS main.planes AS SELECT 1 AS id")
    listed = flights(client)
    assert ("main", "planes") in listed
    assert listed[("files", "trips")].schema.names[:2] == ["id", "city"]
    assert listed[("files", "sales")].schema.names == ["amount", "month", "year"]
    # The criteria is a SQL LIKE pattern on the dot-joined path.
    assert set(flights(client, b"files.%")) >= {("files", "trips"), ("files", "sales"), ("files", "broken")}
    assert all(path[0] == "files" for path in flights(client, b"files.%"))
    assert set(flights(client, b"%.plane_")) == {("main", "planes")}
    # Each listed FlightInfo's ticket reads the table.
    assert client.do_get(listed[("main", "planes")].endpoints[0].ticket).read_all().to_pydict() == {"id": [1]}


def test_list_flights_refuses_a_bad_criteria(client):
    with expect_status("INVALID_ARGUMENT", "ends in the escape character"):
        list(client.list_flights(b"files\\"))
    with expect_status("INVALID_ARGUMENT", "not UTF-8"):
        list(client.list_flights(b"\xff\xfe"))


def test_path_descriptors_read_a_dataset_qualified_or_not(client):
    assert read_path(client, "files", "trips").column("id").to_pylist()[:3] == [1, 2, 3]
    assert read_path(client, "trips").num_rows == read_path(client, "files", "trips").num_rows
    schema = client.get_schema(flight.FlightDescriptor.for_path("files", "trips")).schema
    assert schema.field("city").type == pa.string()


def test_path_descriptor_errors(client):
    with expect_status("NOT_FOUND", "no table, view or dataset files.nowhere"):
        client.get_flight_info(flight.FlightDescriptor.for_path("files", "nowhere"))
    with expect_status("NOT_FOUND", "nowhere"):
        client.get_schema(flight.FlightDescriptor.for_path("nowhere"))
    with expect_status("INVALID_ARGUMENT", "4 parts"):
        client.get_flight_info(flight.FlightDescriptor.for_path("a", "b", "c", "d"))
    query(client, "CREATE TABLE IF NOT EXISTS main.trips AS SELECT 0 AS id")
    query(client, "CREATE SCHEMA IF NOT EXISTS other")
    query(client, "CREATE TABLE IF NOT EXISTS other.twin AS SELECT 1 AS id")
    query(client, "CREATE TABLE IF NOT EXISTS files.twin AS SELECT 2 AS id")
    # One part prefers the current schema (main) ...
    assert read_path(client, "trips").to_pydict() == {"id": [0]}
    # ... and refuses to guess between two others.
    with expect_status("INVALID_ARGUMENT", "ambiguous"):
        client.get_flight_info(flight.FlightDescriptor.for_path("twin"))
    with expect_status("INVALID_ARGUMENT", "path ticket"):
        bad = flight.Ticket(bytes([0x0a, 0x30]) + b"type.googleapis.com/dev.bridge.flight.PathTicket"
                            + bytes([0x12, 0x01]) + b"x")
        client.do_get(bad).read_all()


def test_a_dataset_follows_its_files_while_the_server_runs(client, data):
    before = read_path(client, "files", "trips").num_rows
    write_parquet(data / "trips" / "b.parquet", {"id": [10], "city": ["w"], "fare": [2.5]})
    info = client.get_flight_info(flight.FlightDescriptor.for_path("files", "trips"))
    assert "fare" in info.schema.names
    table = client.do_get(info.endpoints[0].ticket).read_all()
    assert table.num_rows == before + 1
    assert table.column("fare").to_pylist().count(2.5) == 1
    os.remove(data / "trips" / "b.parquet")
    assert read_path(client, "files", "trips").num_rows == before
    assert "fare" not in client.get_schema(flight.FlightDescriptor.for_path("files", "trips")).schema.names


def test_an_unavailable_dataset_fails_with_failed_precondition_and_recovers(client, data):
    with expect_status("FAILED_PRECONDITION", "dataset 'readings' is unavailable: no file matches .*readings"):
        read_path(client, "files", "readings")
    (data / "readings").mkdir(exist_ok=True)
    pacsv.write_csv(pa.table({"sensor": ["s1", "s2"], "value": [1.5, 2.5]}), data / "readings" / "r.csv",
                    write_options=pacsv.WriteOptions(delimiter="|"))
    assert read_path(client, "files", "readings").column("value").to_pylist() == [1.5, 2.5]

    (data / "broken").mkdir(exist_ok=True)
    (data / "broken" / "good.json").write_text('{"id": 1}\n')
    assert read_path(client, "files", "broken").to_pydict() == {"id": [1]}
    (data / "broken" / "bad.json").write_text('{"id": \n')
    with expect_status("FAILED_PRECONDITION", "dataset 'broken' is unavailable: .*bad.json"):
        query(client, "SELECT * FROM files.broken")
    # The dataset keeps its columns in the metadata while it is broken; the others keep working.
    assert client.get_schema(flight.FlightDescriptor.for_path("files", "broken")).schema.names == ["id"]
    assert read_path(client, "files", "trips").num_rows >= 3
    os.remove(data / "broken" / "bad.json")
    assert read_path(client, "files", "broken").to_pydict() == {"id": [1]}


def test_hive_partitions_are_columns_and_filters_prune_files(client):
    sales = read_path(client, "files", "sales")
    assert sales.num_rows == 16
    plan = "\n".join(query(client, "EXPLAIN SELECT sum(amount) FROM files.sales WHERE year = 2024 AND month = 1")
                     .column(1).to_pylist())
    assert "Scanning Files: 1/4" in plan, plan
    assert query(client, "SELECT sum(amount) AS s FROM files.sales WHERE year = 2024 AND month = 1") \
        .to_pydict() == {"s": [202401 * 4]}


def test_a_new_partition_and_a_file_rewritten_in_place_are_read_at_once(client, data):
    write_parquet(data / "sales" / "year=2025" / "month=1" / "part.parquet", {"amount": [202501]})
    assert query(client, "SELECT count(*) AS n FROM files.sales WHERE year = 2025").to_pydict() == {"n": [1]}
    # Rewritten in place (no rename: the directory does not change). DuckDB reads the file as it is now at once;
    # the view's metadata follows within a second (the registry lists files again at least that often).
    pq.write_table(pa.table({"amount": [1], "note": ["x"]}), data / "sales" / "year=2025" / "month=1" / "part.parquet")
    assert query(client, "SELECT note FROM files.sales WHERE year = 2025").to_pydict() == {"note": ["x"]}
    os.remove(data / "sales" / "year=2025" / "month=1" / "part.parquet")
    assert query(client, "SELECT count(*) AS n FROM files.sales WHERE year = 2025").to_pydict() == {"n": [0]}
