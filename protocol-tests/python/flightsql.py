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
    "ALREADY_EXISTS": _pa.ArrowException,  # pyarrow reports it as "Unknown: ... already exists error"
    "UNIMPLEMENTED": _pa.ArrowNotImplementedError,
    "FAILED_PRECONDITION": _pa.ArrowInvalid,
    "ABORTED": flight.FlightInternalError,  # "gRPC returned aborted error"  # "gRPC returned precondition failed error"
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
