"""File datasets registered in Spark as tables of the same names over the same files (engines.spark with
files.datasets): the same query over a dataset answers the same through Bridge on DuckDB and on Spark, driven by
pyarrow against a real Spark Connect server in local[2] mode (the test session's one, see conftest)."""
import textwrap

import pyarrow as pa
import pyarrow.flight as flight
import pytest

import flightsql as fs
from conftest import BridgeProcess
from test_datasets import write_parquet
from test_ops import wait_for

TYPE_NAME = b"ARROW:FLIGHT:SQL:TYPE_NAME"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    data = tmp_path_factory.mktemp("spark-data")
    write_parquet(data / "trips" / "a.parquet", {"id": pa.array(range(0, 500), pa.int64()),
                                                  "city": [f"city {i % 7}" for i in range(0, 500)],
                                                  "fare": [i * 0.25 for i in range(0, 500)]})
    write_parquet(data / "trips" / "b.parquet", {"id": pa.array(range(500, 1200), pa.int64()),
                                                  "city": [f"city {i % 7}" for i in range(500, 1200)],
                                                  "fare": [i * 0.25 for i in range(500, 1200)]})
    write_parquet(data / "zones" / "zones.parquet", {"city": [f"city {c}" for c in range(7)],
                                                      "zone": [f"zone {c % 3}" for c in range(7)]})
    for year in (2023, 2024):
        for month in (1, 2):
            write_parquet(data / "sales" / f"year={year}" / f"month={month}" / "part.parquet",
                          {"amount": pa.array([year * 100 + month + i for i in range(5)], pa.int64())})
    (data / "readings").mkdir()
    (data / "readings" / "r1.csv").write_text("sensor|value|label\n1|2.5|north\n2|3.5|south\n")
    (data / "readings" / "r2.csv").write_text("sensor|value|label\n3|4.5|east\n")
    (data / "events").mkdir()
    (data / "events" / "e.ndjson").write_text('{"id": 1, "tag": "a"}\n{"id": 2, "tag": "b"}\n')
    # A file name Hadoop's glob would read as an alternative: Spark cannot be given this exact file.
    write_parquet(data / "odd" / "a,b.parquet", {"id": [1]})
    return data


@pytest.fixture(scope="module")
def server(spark_connect, data, tmp_path_factory):
    config = tmp_path_factory.mktemp("spark-datasets-conf") / "bridge.yaml"
    config.write_text(textwrap.dedent(f"""\
        database:
          data_directories: ["{data}"]
        files:
          datasets:
            - name: trips
              paths: ["trips/*.parquet"]
            - name: zones
              paths: ["zones/*.parquet"]
            - name: sales
              paths: ["sales/**/*.parquet"]
              hive_partitioning: true
            - name: readings
              paths: ["readings/*.csv"]
              csv: {{delimiter: "|", header: true}}
            - name: events
              paths: ["events/*.ndjson"]
            - name: odd
              paths: ["odd/*.parquet"]
        engines:
          spark:
            remote: {spark_connect.remote}
            token_file: {spark_connect.token_file}
        """))
    bridge = BridgeProcess(":memory:", ["--config", str(config)])
    yield bridge
    bridge.stop_cleanly()


@pytest.fixture(scope="module")
def engines(server):
    """A DuckDB session and a Spark session (catalog spark), each a client with its call options."""
    duck = server.client()
    spark = server.client()
    fs.set_session_options(spark, flight.FlightCallOptions(), catalog="spark")
    yield (duck, flight.FlightCallOptions()), (spark, flight.FlightCallOptions())
    duck.close()
    spark.close()


def run(session, sql):
    client, options = session
    info = client.get_flight_info(fs.statement_query(sql), options)
    return info, client.do_get(info.endpoints[0].ticket, options).read_all()


def on_both(engines, sql):
    """The rows of sql through Bridge on DuckDB and on Spark."""
    duck, spark = engines
    return run(duck, sql)[1].to_pylist(), run(spark, sql)[1].to_pylist()


@pytest.mark.parametrize("sql", [
    "SELECT id, city, fare FROM files.trips ORDER BY id",
    "SELECT city, count(*) AS n, sum(fare) AS total, min(id) AS first FROM files.trips GROUP BY city ORDER BY city",
    "SELECT year, month, sum(amount) AS total FROM files.sales GROUP BY year, month ORDER BY year, month",
    "SELECT sensor, value, label FROM files.readings ORDER BY sensor",
    "SELECT id, tag FROM files.events ORDER BY id",
], ids=["parquet rows", "parquet aggregate", "hive partitions", "csv with its dialect", "json"])
def test_the_same_query_over_a_dataset_answers_the_same_on_duckdb_and_on_spark(engines, sql):
    on_duckdb, on_spark = on_both(engines, sql)
    assert on_duckdb and on_spark == on_duckdb


def test_a_join_and_aggregate_over_parquet_datasets_runs_on_spark(engines):
    sql = ("SELECT z.zone, count(*) AS trips, sum(t.fare) AS total FROM files.trips t JOIN files.zones z"
           " ON t.city = z.city GROUP BY z.zone ORDER BY z.zone")
    _, spark = engines
    _, table = run(spark, sql)
    expected = {}
    for i in range(1200):
        zone = f"zone {(i % 7) % 3}"
        count, total = expected.get(zone, (0, 0.0))
        expected[zone] = (count + 1, total + i * 0.25)
    assert table.to_pylist() == [{"zone": z, "trips": n, "total": t} for z, (n, t) in sorted(expected.items())]
    assert on_both(engines, sql)[0] == table.to_pylist()


def test_a_new_file_of_a_dataset_is_read_by_both_engines(engines, data):
    sql = "SELECT count(*) AS n, max(id) AS last FROM files.trips"
    assert on_both(engines, sql) == ([{"n": 1200, "last": 1199}], [{"n": 1200, "last": 1199}])
    write_parquet(data / "trips" / "c.parquet", {"id": pa.array([5000, 5001], pa.int64()), "city": ["city 0"] * 2,
                                                  "fare": [1.0, 2.0]})
    try:
        # The Spark session read the dataset before: it refreshes its listing of the re-registered table.
        expected = [{"n": 1202, "last": 5001}]
        assert wait_for(lambda: on_both(engines, sql) == (expected, expected), timeout=10)
    finally:
        (data / "trips" / "c.parquet").unlink()
    assert wait_for(lambda: on_both(engines, sql) == ([{"n": 1200, "last": 1199}],) * 2, timeout=10)


def test_datasets_are_listed_in_the_spark_catalog_with_their_columns(engines):
    _, (client, options) = engines
    info = client.get_flight_info(fs.get_tables(catalog="spark", schema_pattern="files", include_schema=True),
                                  options)
    tables = client.do_get(info.endpoints[0].ticket, options).read_all()
    names = tables.column("table_name").to_pylist()
    assert {"trips", "zones", "sales", "readings", "events"} <= set(names)
    trips = pa.ipc.read_schema(pa.py_buffer(tables.column("table_schema")[names.index("trips")].as_py()))
    assert [(f.name, f.type) for f in trips] == [("id", pa.int64()), ("city", pa.string()), ("fare", pa.float64())]
    assert [f.metadata[TYPE_NAME] for f in trips] == [b"BIGINT", b"VARCHAR", b"DOUBLE"]
    assert {f.metadata[b"ARROW:FLIGHT:SQL:TABLE_NAME"] for f in trips} == {b"trips"}
    assert {f.metadata[b"ARROW:FLIGHT:SQL:CATALOG_NAME"] for f in trips} == {b"spark"}
    assert {f.metadata[b"ARROW:FLIGHT:SQL:SCHEMA_NAME"] for f in trips} == {b"files"}


def test_spark_results_carry_the_same_flight_sql_column_metadata_as_duckdb_results(engines):
    sql = "SELECT id, city, fare, CAST(fare AS DECIMAL(12, 2)) AS price, DATE '2024-01-02' AS day FROM files.trips"
    duck, spark = engines
    duck_info, _ = run(duck, sql)
    spark_info, spark_table = run(spark, sql)
    keys = [TYPE_NAME, b"ARROW:FLIGHT:SQL:PRECISION", b"ARROW:FLIGHT:SQL:SCALE",
            b"ARROW:FLIGHT:SQL:IS_CASE_SENSITIVE", b"ARROW:FLIGHT:SQL:IS_READ_ONLY"]
    described = [{k: f.metadata.get(k) for k in keys} for f in spark_info.schema]
    assert [d[TYPE_NAME] for d in described] == [b"BIGINT", b"VARCHAR", b"DOUBLE", b"DECIMAL(12,2)", b"DATE"]
    assert described == [{k: f.metadata.get(k) for k in keys} for f in duck_info.schema]
    assert spark_table.num_rows == 1200


def test_a_dataset_whose_files_spark_cannot_be_given_is_not_in_spark_and_still_read_on_duckdb(engines, server):
    duck, spark = engines
    assert run(duck, "SELECT id FROM files.odd")[1].to_pylist() == [{"id": 1}]
    with fs.expect_status("NOT_FOUND", r"Spark: \[TABLE_OR_VIEW_NOT_FOUND\].*odd"):
        run(spark, "SELECT id FROM files.odd")
    assert wait_for(lambda: "dataset odd is not registered in Spark" in server.log())
