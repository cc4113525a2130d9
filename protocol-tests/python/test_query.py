"""The query path through plain pyarrow.flight: SQL text descriptors and hand-packed Flight SQL commands."""
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.flight as flight
import pytest

import flightsql


def run(client, descriptor):
    info = client.get_flight_info(descriptor)
    assert len(info.endpoints) == 1
    assert list(info.endpoints[0].locations) == []
    table = client.do_get(info.endpoints[0].ticket).read_all()
    return info, table


def test_plain_sql_text_is_a_query(client):
    info, table = run(client, flight.FlightDescriptor.for_command("SELECT 42 AS answer, 'x' AS s"))
    assert info.total_records == -1
    assert table.schema == info.schema
    assert table.to_pylist() == [{"answer": 42, "s": "x"}]


def test_flight_sql_command_statement_query(client):
    info, table = run(client, flightsql.statement_query("SELECT range AS i FROM range(10)"))
    assert table.column("i").to_pylist() == list(range(10))
    assert table.schema == info.schema


def test_get_schema_matches_the_stream(client):
    sql = "SELECT 1::HUGEINT AS h, [1, 2] AS l, {'a': 1} AS s, DATE '2020-01-01' AS d"
    schema = client.get_schema(flight.FlightDescriptor.for_command(sql)).schema
    _, table = run(client, flight.FlightDescriptor.for_command(sql))
    assert schema == table.schema


def test_duplicate_column_names_are_kept(client):
    info, table = run(client, flight.FlightDescriptor.for_command("SELECT 1 AS a, 2 AS a"))
    assert info.schema.names == ["a", "a"]
    assert table.schema.names == ["a", "a"]


def test_large_result_streams_in_many_batches(client):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(
        "SELECT range AS i, range * 2 AS j FROM range(3000000)"))
    reader = client.do_get(info.endpoints[0].ticket)
    batches = 0
    rows = 0
    total = 0
    for chunk in reader:
        batches += 1
        rows += chunk.data.num_rows
        total += pc.sum(chunk.data.column(0)).as_py()
    assert rows == 3_000_000
    assert batches > 10
    assert total == sum(range(3_000_000))


def test_ddl_through_the_query_path_runs_exactly_once(client):
    run(client, flight.FlightDescriptor.for_command("CREATE TABLE py_once(i INTEGER)"))
    _, count = run(client, flight.FlightDescriptor.for_command("INSERT INTO py_once VALUES (1), (2)"))
    assert count.to_pylist() == [{"Count": 2}]
    # Reading the answer twice does not run the statement twice.
    info = client.get_flight_info(flight.FlightDescriptor.for_command("INSERT INTO py_once VALUES (3)"))
    client.do_get(info.endpoints[0].ticket).read_all()
    client.do_get(info.endpoints[0].ticket).read_all()
    _, table = run(client, flight.FlightDescriptor.for_command("SELECT count(*) AS n FROM py_once"))
    assert table.to_pylist() == [{"n": 3}]


def test_statement_update_answers_one_put_result(client):
    client_sql = "CREATE TABLE py_update AS SELECT range AS i FROM range(5)"
    writer, reader = client.do_put(flightsql.statement_update(client_sql), pa.schema([]))
    writer.done_writing()
    answer = reader.read()
    writer.close()
    assert answer is not None
    _, table = run(client, flight.FlightDescriptor.for_command("SELECT count(*) AS n FROM py_update"))
    assert table.to_pylist() == [{"n": 5}]


def test_syntax_error_is_invalid_argument_with_duckdbs_message(client):
    with flightsql.expect_status("INVALID_ARGUMENT", match="syntax error"):
        client.get_flight_info(flight.FlightDescriptor.for_command("SELEC 1"))


def test_missing_table_is_not_found(client):
    with flightsql.expect_status("NOT_FOUND", match="no_such_table"):
        client.get_flight_info(flight.FlightDescriptor.for_command("SELECT * FROM no_such_table"))


def test_error_during_the_stream_reaches_the_client(client):
    info = client.get_flight_info(flight.FlightDescriptor.for_command(
        "SELECT CASE WHEN range < 300000 THEN range::VARCHAR ELSE 'x' END::INTEGER AS v FROM range(1000000)"))
    with flightsql.expect_status("INVALID_ARGUMENT", match="Could not convert string 'x'"):
        client.do_get(info.endpoints[0].ticket).read_all()


def test_malformed_command_bytes_are_invalid_argument(client):
    with flightsql.expect_status("INVALID_ARGUMENT"):
        client.get_flight_info(flight.FlightDescriptor.for_command(b"\xff\xfe\x00garbage"))


def test_unknown_ticket_is_not_found(client):
    ticket_body = flightsql.pack("TicketStatementQuery", flightsql.field_bytes(1, b"no-such-ticket"))
    with flightsql.expect_status("NOT_FOUND", match="no-such-ticket"):
        client.do_get(flight.Ticket(ticket_body)).read_all()


def test_garbage_ticket_is_invalid_argument(client):
    with flightsql.expect_status("INVALID_ARGUMENT"):
        client.do_get(flight.Ticket(b"\x01\x02not a ticket")).read_all()


def test_server_answers_after_errors(client):
    for bad in ("SELEC 1", "SELECT * FROM nope", "SELECT 'a'::INTEGER"):
        with pytest.raises((flight.FlightError, pa.ArrowException)):
            run(client, flight.FlightDescriptor.for_command(bad))
    _, table = run(client, flight.FlightDescriptor.for_command("SELECT 1 AS ok"))
    assert table.to_pylist() == [{"ok": 1}]


def test_each_statement_of_a_text_of_several_runs_exactly_once(client):
    """DuckDB runs all but the last statement of a text while preparing it: the planning's run is the only one."""
    table = "several_" + __import__("uuid").uuid4().hex[:8]
    run(client, flightsql.statement_query(f"CREATE TABLE {table}(i INTEGER, via VARCHAR)"))
    # Through GetFlightInfo (the statement runs when planned), DoPut, and a text whose last statement is a query.
    run(client, flightsql.statement_query(f"INSERT INTO {table} VALUES (1, 'info'); INSERT INTO {table} VALUES (2, 'info')"))
    writer, reader = client.do_put(flightsql.statement_update(
        f"INSERT INTO {table} VALUES (1, 'put'); INSERT INTO {table} VALUES (2, 'put')"), pa.schema([]))
    assert flightsql.finish_put(writer, reader) == 1
    _, counted = run(client, flightsql.statement_query(
        f"INSERT INTO {table} VALUES (1, 'query'); SELECT count(*) AS n FROM {table} WHERE via = 'query'"))
    assert counted.to_pylist() == [{"n": 1}]
    _, rows = run(client, flightsql.statement_query(f"SELECT i, via, count(*) AS n FROM {table} GROUP BY ALL ORDER BY ALL"))
    assert rows.to_pylist() == [{"i": 1, "via": "info", "n": 1}, {"i": 1, "via": "put", "n": 1},
                                {"i": 1, "via": "query", "n": 1}, {"i": 2, "via": "info", "n": 1},
                                {"i": 2, "via": "put", "n": 1}]
