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
