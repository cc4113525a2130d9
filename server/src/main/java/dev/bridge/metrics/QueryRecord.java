package dev.bridge.metrics;

import java.util.List;

/**
 * What the query log writes of one finished statement or ingest; {@code partitions} is how many Flight endpoints
 * streamed the query's result (1 unless it was partitioned), {@code expiredPartitions} how many of them were never
 * fetched before their tickets expired; {@code engine} ran it ({@code duckdb}, {@code spark}). {@code clusterQuery} (null outside a cluster) is the id
 * a coordinator gave a query it placed on workers, on the coordinator's line and on each worker's;
 * {@code workers} is, on the coordinator's line, where its endpoints went (empty otherwise).
 */
record QueryRecord(String user, String session, Protocol protocol, String kind, String statement, long rows,
    long bytes, long durationNanos, long queuedNanos, Outcome outcome, String error, int partitions,
    int expiredPartitions, boolean cacheHit, String clusterQuery, List<String> workers, String engine) {
  QueryRecord {
    workers = List.copyOf(workers);
  }
}
