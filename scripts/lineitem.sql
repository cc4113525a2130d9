-- A TPC-H lineitem-shaped table (DuckDB's tpch extension is not bundled): 16 columns of BIGINT, INTEGER,
-- DECIMAL(15,2), DATE and short strings, in the proportions of the real table. The benchmarks fill in the table
-- name and the row count (scripts/bench-rest, QueryThroughputBench).
CREATE OR REPLACE TABLE {table} AS SELECT
  (i // 4)::BIGINT AS l_orderkey,
  (i % 200000)::BIGINT AS l_partkey,
  (i % 10000)::BIGINT AS l_suppkey,
  (i % 7 + 1)::INTEGER AS l_linenumber,
  ((i % 50) + 1)::DECIMAL(15,2) AS l_quantity,
  ((i % 100000) * 1.01)::DECIMAL(15,2) AS l_extendedprice,
  ((i % 11) / 100.0)::DECIMAL(15,2) AS l_discount,
  ((i % 9) / 100.0)::DECIMAL(15,2) AS l_tax,
  (['A', 'N', 'R'])[i % 3 + 1] AS l_returnflag,
  (['O', 'F'])[i % 2 + 1] AS l_linestatus,
  DATE '1992-01-01' + (i % 2500)::INTEGER AS l_shipdate,
  DATE '1992-01-01' + (i % 2500 + 30)::INTEGER AS l_commitdate,
  DATE '1992-01-01' + (i % 2500 + 15)::INTEGER AS l_receiptdate,
  (['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'])[i % 4 + 1] AS l_shipinstruct,
  (['AIR', 'MAIL', 'SHIP', 'TRUCK', 'RAIL', 'FOB', 'REG AIR'])[i % 7 + 1] AS l_shipmode,
  md5(i::VARCHAR)[1:(10 + i % 30)] AS l_comment
FROM range({rows}) t(i)
