"""A database file written by DuckDB 1.5.6 (what Bridge embedded before DuckDB 2.0) opens under this server: its
tables, views and types are all there, it takes new writes, and it survives a restart."""
import datetime

import duckdb
import pyarrow.flight as flight

from conftest import BridgeProcess


def query(client, sql):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(sql))
    return client.do_get(info.endpoints[0].ticket).read_all().to_pylist()


def test_a_database_written_by_duckdb_1_5_opens_and_keeps_its_data(tmp_path):
    assert duckdb.__version__.startswith("1.5."), duckdb.__version__
    path = tmp_path / "written_by_1_5.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute("CREATE TYPE mood AS ENUM ('sad', 'happy')")
        old.execute("""CREATE TABLE trips AS SELECT range AS id, 'city ' || (range % 7) AS city,
                       range * 1.5::DECIMAL(10, 2) AS fare, DATE '2024-01-01' + range::INTEGER AS day,
                       [range, range + 1] AS pair, {'k': range}::STRUCT(k BIGINT) AS st,
                       (CASE WHEN range % 2 = 0 THEN 'happy' ELSE 'sad' END)::mood AS m
                       FROM range(100000)""")
        old.execute("CREATE VIEW busy AS SELECT city, count(*) AS n FROM trips GROUP BY city")
        old.execute("CREATE SEQUENCE ids START 500")
        old.execute("CHECKPOINT")

    server = BridgeProcess(str(path))
    try:
        client = server.client()
        assert query(client, "SELECT count(*) AS n, max(id) AS top FROM trips") == [{"n": 100000, "top": 99999}]
        row = query(client, "SELECT city, fare::VARCHAR AS fare, day, pair, st, m FROM trips WHERE id = 3")[0]
        assert row == {"city": "city 3", "fare": "4.50", "day": datetime.date(2024, 1, 4), "pair": [3, 4],
                       "st": {"k": 3}, "m": "sad"}
        assert sum(row["n"] for row in query(client, "SELECT n FROM busy")) == 100000
        assert query(client, "SELECT nextval('ids') AS v") == [{"v": 500}]
        query(client, "INSERT INTO trips (id, city) VALUES (100000, 'new')")
        client.close()
        server.stop_cleanly()

        server = BridgeProcess(str(path))
        client = server.client()
        assert query(client, "SELECT count(*) AS n FROM trips") == [{"n": 100001}]
        assert query(client, "SELECT version() AS v")[0]["v"].startswith("v2.")
        client.close()
    finally:
        server.stop_cleanly()
