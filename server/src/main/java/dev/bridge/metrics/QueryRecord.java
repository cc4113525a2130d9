package dev.bridge.metrics;

/**
 * What the query log writes of one finished statement or ingest; {@code partitions} is how many Flight endpoints
 * streamed the query's result (1 unless it was partitioned).
 */
record QueryRecord(String user, String session, Protocol protocol, String kind, String statement, long rows,
    long bytes, long durationNanos, long queuedNanos, Outcome outcome, String error, int partitions,
    boolean cacheHit) {}
