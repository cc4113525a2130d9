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


# How pyarrow surfaces each gRPC status code a server sends.
import pyarrow as _pa  # noqa: E402

STATUS_EXCEPTIONS = {
    "INVALID_ARGUMENT": _pa.ArrowInvalid,
    "NOT_FOUND": _pa.ArrowKeyError,
    "ALREADY_EXISTS": _pa.ArrowKeyError,
    "UNIMPLEMENTED": _pa.ArrowNotImplementedError,
    "CANCELLED": flight.FlightCancelledError,
    "UNAUTHENTICATED": flight.FlightUnauthenticatedError,
    "PERMISSION_DENIED": flight.FlightUnauthorizedError,
    "INTERNAL": flight.FlightInternalError,
    "UNAVAILABLE": flight.FlightUnavailableError,
    "DEADLINE_EXCEEDED": flight.FlightTimedOutError,
}


def status_error(code: str):
    """The exception class pyarrow raises for gRPC status `code` (FlightServerError for the rest)."""
    return STATUS_EXCEPTIONS.get(code, flight.FlightServerError)
