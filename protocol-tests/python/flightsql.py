"""Hand-packed Flight SQL commands: pyarrow ships Flight but not the Flight SQL protobuf messages."""
import pyarrow.flight as flight

PREFIX = "type.googleapis.com/arrow.flight.protocol.sql."


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_bytes(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def field_varint(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def pack(message_name: str, body: bytes) -> bytes:
    """A google.protobuf.Any around a Flight SQL message."""
    return field_bytes(1, (PREFIX + message_name).encode()) + field_bytes(2, body)


def statement_query(sql: str) -> flight.FlightDescriptor:
    return flight.FlightDescriptor.for_command(pack("CommandStatementQuery", field_bytes(1, sql.encode())))


def statement_update(sql: str) -> flight.FlightDescriptor:
    return flight.FlightDescriptor.for_command(pack("CommandStatementUpdate", field_bytes(1, sql.encode())))


def field_string(number: int, text) -> bytes:
    """A string field, or nothing when the value is None (an unset optional field)."""
    return b"" if text is None else field_bytes(number, text.encode())


def command(message_name: str, body: bytes = b"") -> flight.FlightDescriptor:
    return flight.FlightDescriptor.for_command(pack(message_name, body))


def get_catalogs() -> flight.FlightDescriptor:
    return command("CommandGetCatalogs")


def get_db_schemas(catalog=None, schema_pattern=None) -> flight.FlightDescriptor:
    return command("CommandGetDbSchemas", field_string(1, catalog) + field_string(2, schema_pattern))


def get_tables(catalog=None, schema_pattern=None, table_pattern=None, table_types=(), include_schema=False):
    body = field_string(1, catalog) + field_string(2, schema_pattern) + field_string(3, table_pattern)
    body += b"".join(field_string(4, table_type) for table_type in table_types)
    if include_schema:
        body += field_varint(5, 1)
    return command("CommandGetTables", body)


def get_table_types() -> flight.FlightDescriptor:
    return command("CommandGetTableTypes")


def _table_ref(catalog, schema, table) -> bytes:
    return field_string(1, catalog) + field_string(2, schema) + field_string(3, table)


def get_primary_keys(table, catalog=None, schema=None) -> flight.FlightDescriptor:
    return command("CommandGetPrimaryKeys", _table_ref(catalog, schema, table))


def get_exported_keys(table, catalog=None, schema=None) -> flight.FlightDescriptor:
    return command("CommandGetExportedKeys", _table_ref(catalog, schema, table))


def get_imported_keys(table, catalog=None, schema=None) -> flight.FlightDescriptor:
    return command("CommandGetImportedKeys", _table_ref(catalog, schema, table))


def get_cross_reference(pk_table, fk_table, pk_schema=None, fk_schema=None) -> flight.FlightDescriptor:
    body = field_string(2, pk_schema) + field_string(3, pk_table) + field_string(5, fk_schema)
    return command("CommandGetCrossReference", body + field_string(6, fk_table))


def get_xdbc_type_info(data_type=None) -> flight.FlightDescriptor:
    return command("CommandGetXdbcTypeInfo", b"" if data_type is None else field_varint(1, data_type))


def get_sql_info(*ids: int) -> flight.FlightDescriptor:
    return command("CommandGetSqlInfo", b"".join(field_varint(1, info_id) for info_id in ids))


def read_varint(data: bytes, pos: int):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, pos


def fields(data: bytes) -> dict:
    """Decodes a protobuf message into {field number: value} (last value wins)."""
    out = {}
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            out[number], pos = read_varint(data, pos)
        elif wire == 2:
            length, pos = read_varint(data, pos)
            out[number] = data[pos:pos + length]
            pos += length
        elif wire == 1:
            out[number] = data[pos:pos + 8]
            pos += 8
        elif wire == 5:
            out[number] = data[pos:pos + 4]
            pos += 4
        else:
            raise ValueError(f"wire type {wire}")
    return out


def unpack(any_bytes: bytes):
    """(message name, body) of a google.protobuf.Any."""
    parts = fields(any_bytes)
    return parts[1].decode().removeprefix(PREFIX), parts.get(2, b"")


# What a server's gRPC status looks like on the pyarrow side. pyarrow maps codes to exception classes
# ambiguously (ALREADY_EXISTS and NOT_FOUND are both key errors, FAILED_PRECONDITION an ArrowInvalid), but it keeps
# the gRPC status in the message ("grpc_status:5"), which is what these helpers check.
import contextlib  # noqa: E402
import re  # noqa: E402

import pyarrow as _pa  # noqa: E402
import pytest  # noqa: E402

GRPC_CODES = {
    "CANCELLED": 1, "INVALID_ARGUMENT": 3, "DEADLINE_EXCEEDED": 4, "NOT_FOUND": 5, "ALREADY_EXISTS": 6,
    "PERMISSION_DENIED": 7, "RESOURCE_EXHAUSTED": 8, "FAILED_PRECONDITION": 9, "ABORTED": 10,
    "UNIMPLEMENTED": 12, "INTERNAL": 13, "UNAVAILABLE": 14, "UNAUTHENTICATED": 16,
}

# For the codes Flight itself defines, pyarrow words the error instead of printing the number.
FLIGHT_PHRASES = {
    "CANCELLED": "Flight cancelled call", "INVALID_ARGUMENT": "Flight returned invalid argument error",
    "DEADLINE_EXCEEDED": "Flight returned timeout error", "NOT_FOUND": "Flight returned not found error",
    "ALREADY_EXISTS": "Flight returned already exists error",
    "PERMISSION_DENIED": "Flight returned unauthorized error",
    "UNIMPLEMENTED": "Flight returned unimplemented error", "INTERNAL": "Flight returned internal error",
    "UNAVAILABLE": "Flight returned unavailable error",
    "UNAUTHENTICATED": "Flight returned unauthenticated error",
}


@contextlib.contextmanager
def expect_status(code: str, match: str = None):
    """Asserts the block fails with gRPC status `code` (and a message matching `match`)."""
    with pytest.raises((flight.FlightError, _pa.ArrowException)) as raised:
        yield raised
    text = str(raised.value)
    phrase = FLIGHT_PHRASES.get(code)
    assert f"grpc_status:{GRPC_CODES[code]}" in text or (phrase and phrase in text), f"expected {code}, got: {text}"
    if match is not None:
        assert re.search(match, text), f"{match!r} not in: {text}"


def status_error(code: str):
    """The exception classes pyarrow may raise for gRPC status `code`; prefer expect_status, which is exact."""
    return (flight.FlightError, _pa.ArrowException)


# ---- Ingest and transactions ----------------------------------------------------------------------------------------

IF_NOT_EXIST = {"UNSPECIFIED": 0, "CREATE": 1, "FAIL": 2}
IF_EXISTS = {"UNSPECIFIED": 0, "FAIL": 1, "APPEND": 2, "REPLACE": 3}
MODES = {"create": ("CREATE", "FAIL"), "append": ("FAIL", "APPEND"), "replace": ("CREATE", "REPLACE"),
         "create_append": ("CREATE", "APPEND")}


def statement_ingest(table: str, mode: str = None, if_not_exist: str = None, if_exists: str = None,
                     schema: str = None, catalog: str = None, temporary: bool = False, transaction_id: bytes = None,
                     options: dict = None, definition: bool = True) -> flight.FlightDescriptor:
    """CommandStatementIngest; `mode` is ADBC's name for an (if_not_exist, if_exists) pair."""
    if mode is not None:
        if_not_exist, if_exists = MODES[mode]
    body = b""
    if definition:
        body += field_bytes(1, field_varint(1, IF_NOT_EXIST[if_not_exist]) + field_varint(2, IF_EXISTS[if_exists]))
    body += field_bytes(2, table.encode())
    if schema is not None:
        body += field_bytes(3, schema.encode())
    if catalog is not None:
        body += field_bytes(4, catalog.encode())
    if temporary:
        body += field_varint(5, 1)
    if transaction_id is not None:
        body += field_bytes(6, transaction_id)
    for key, value in (options or {}).items():
        body += field_bytes(1000, field_bytes(1, key.encode()) + field_bytes(2, value.encode()))
    return flight.FlightDescriptor.for_command(pack("CommandStatementIngest", body))


def statement_update_in(sql: str, transaction_id: bytes) -> flight.FlightDescriptor:
    return flight.FlightDescriptor.for_command(pack("CommandStatementUpdate",
                                                    field_bytes(1, sql.encode()) + field_bytes(2, transaction_id)))


def statement_query_in(sql: str, transaction_id: bytes) -> flight.FlightDescriptor:
    return flight.FlightDescriptor.for_command(pack("CommandStatementQuery",
                                                    field_bytes(1, sql.encode()) + field_bytes(2, transaction_id)))


def finish_put(writer, metadata_reader) -> int:
    """Ends a DoPut and returns the record_count of its DoPutUpdateResult; closing raises the server's error."""
    writer.done_writing()
    buf = metadata_reader.read()
    writer.close()
    assert buf is not None, "the server sent no DoPutUpdateResult"
    return fields(buf.to_pybytes()).get(1, 0)


def begin_transaction(client) -> bytes:
    results = list(client.do_action(flight.Action("BeginTransaction", pack("ActionBeginTransactionRequest", b""))))
    name, body = unpack(results[0].body.to_pybytes())
    assert name == "ActionBeginTransactionResult"
    return fields(body)[1]


END_TRANSACTION = {"UNSPECIFIED": 0, "COMMIT": 1, "ROLLBACK": 2}


def end_transaction(client, transaction_id: bytes, action: str):
    body = field_bytes(1, transaction_id) + field_varint(2, END_TRANSACTION[action])
    list(client.do_action(flight.Action("EndTransaction", pack("ActionEndTransactionRequest", body))))


def begin_savepoint(client, transaction_id: bytes, name: str):
    body = field_bytes(1, transaction_id) + field_bytes(2, name.encode())
    list(client.do_action(flight.Action("BeginSavepoint", pack("ActionBeginSavepointRequest", body))))


def set_session_options(client, call_options=None, **options: str) -> bytes:
    """Flight's SetSessionOptions action with string values (pyarrow has no call for it); returns the raw result,
    a SetSessionOptionsResult whose map of errors is empty when every option was set."""
    body = b"".join(field_bytes(1, field_string(1, name) + field_bytes(2, field_string(1, value)))
                    for name, value in options.items())
    results = list(client.do_action(flight.Action("SetSessionOptions", body), call_options))
    return results[0].body.to_pybytes() if results else b""
