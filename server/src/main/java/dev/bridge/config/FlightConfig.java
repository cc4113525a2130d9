package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The Flight SQL (gRPC) listener and how results are cut into record batches. */
public record FlightConfig(
    @JsonProperty("host") String host,
    @JsonProperty("port") Integer port,
    @JsonProperty("batch_rows") Integer batchRows,
    @JsonProperty("max_inbound_message_bytes") Integer maxInboundMessageBytes,
    @JsonProperty("max_header_list_bytes") Integer maxHeaderListBytes,
    @JsonProperty("backpressure_threshold_bytes") Integer backpressureThresholdBytes,
    @JsonProperty("compression") ResultCompression compression,
    @JsonProperty("partitions") PartitionSetting partitions,
    @JsonProperty("partition_min_rows") Long partitionMinRows) {

  public static final FlightConfig DEFAULT = new FlightConfig(null, null, null, null, null, null, null, null, null);

  public FlightConfig {
    host = host == null ? "127.0.0.1" : host;
    port = port == null ? 31337 : port;
    batchRows = batchRows == null ? 65_536 : batchRows;
    maxInboundMessageBytes = maxInboundMessageBytes == null ? 256 * 1024 * 1024 : maxInboundMessageBytes;
    maxHeaderListBytes = maxHeaderListBytes == null ? 1024 * 1024 : maxHeaderListBytes;
    backpressureThresholdBytes = backpressureThresholdBytes == null ? 16 * 1024 * 1024 : backpressureThresholdBytes;
    compression = compression == null ? ResultCompression.NONE : compression;
    partitions = partitions == null ? PartitionSetting.OFF : partitions;
    partitionMinRows = partitionMinRows == null ? 1_000_000L : partitionMinRows;
  }

  public FlightConfig withHost(String newHost) {
    return new FlightConfig(newHost, port, batchRows, maxInboundMessageBytes, maxHeaderListBytes,
        backpressureThresholdBytes, compression, partitions, partitionMinRows);
  }

  public FlightConfig withPort(int newPort) {
    return new FlightConfig(host, newPort, batchRows, maxInboundMessageBytes, maxHeaderListBytes,
        backpressureThresholdBytes, compression, partitions, partitionMinRows);
  }

  public FlightConfig withPartitions(PartitionSetting newPartitions, long newPartitionMinRows) {
    return new FlightConfig(host, port, batchRows, maxInboundMessageBytes, maxHeaderListBytes,
        backpressureThresholdBytes, compression, newPartitions, newPartitionMinRows);
  }

  void validate() {
    Validation.require(!host.isBlank(), "flight.host", "must not be empty");
    Validation.requireRange(port, 0, 65_535, "flight.port");
    Validation.requireRange(batchRows, 1, 1 << 24, "flight.batch_rows");
    Validation.requireRange(maxInboundMessageBytes, 1024, Integer.MAX_VALUE, "flight.max_inbound_message_bytes");
    Validation.requireRange(maxHeaderListBytes, 8192, Integer.MAX_VALUE, "flight.max_header_list_bytes");
    Validation.requireRange(backpressureThresholdBytes, 1, Integer.MAX_VALUE, "flight.backpressure_threshold_bytes");
    Validation.requireRange(partitionMinRows, 1, Long.MAX_VALUE, "flight.partition_min_rows");
  }
}
