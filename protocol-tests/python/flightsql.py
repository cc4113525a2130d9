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
