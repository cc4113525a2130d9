"""The peer of scripts/bench-network: a plain pyarrow.flight server on DuckDB, the few lines anyone would write. A
descriptor's command (or a ticket) is SQL; DoGet streams DuckDB's Arrow batches uncompressed. It builds the
lineitem-shaped table of scripts/lineitem.sql in memory, then prints "PORT <n>".

  python3 scripts/peer_flight_server.py ROWS"""
import pathlib
import sys

import duckdb
import pyarrow.flight as flight


class PeerServer(flight.FlightServerBase):
    def __init__(self, rows):
        super().__init__("grpc://127.0.0.1:0")
        self.db = duckdb.connect()
        sql = (pathlib.Path(__file__).parent / "lineitem.sql").read_text()
        self.db.execute(sql.replace("{table}", "lineitem").replace("{rows}", str(rows)))

    def get_flight_info(self, context, descriptor):
        sql = descriptor.command.decode()
        schema = self.db.cursor().execute(f"SELECT * FROM ({sql}) LIMIT 0").arrow().schema
        return flight.FlightInfo(schema, descriptor, [flight.FlightEndpoint(descriptor.command, [])], -1, -1)

    def do_get(self, context, ticket):
        reader = self.db.cursor().execute(ticket.ticket.decode()).to_arrow_reader(65536)
        return flight.RecordBatchStream(reader)


if __name__ == "__main__":
    server = PeerServer(int(sys.argv[1]))
    print(f"PORT {server.port}", flush=True)
    server.serve()
