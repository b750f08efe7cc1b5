package config

// Keys that follow a feature switch: with format=parquet or partitioning=tenant, a key the user did not set takes
// the value the feature needs, so one key switches the feature; a value the user did set and that conflicts is
// refused by Validate, naming both keys.

// ParquetCompression is the codec the Parquet serializer compresses pages with (see stacks/format.go for why).
const ParquetCompression = "GZIP"

// follow gives the keys not in given the values that Format and Partitioning need.
func (c *Config) follow(given map[string]bool) {
	if c.Format == FormatParquet && !given["compression"] {
		// Record format conversion needs S3-level compression off: the serializer compresses.
		c.Compression = "UNCOMPRESSED"
	}
	if !given["bufferSizeMiB"] {
		if c.Format == FormatParquet {
			c.BufferSizeMiB = max(c.BufferSizeMiB, MinFormatConversionBufferMiB)
		}
		if c.Partitioning == PartitioningTenant {
			c.BufferSizeMiB = max(c.BufferSizeMiB, MinDynamicPartitioningBufferMiB)
		}
	}
	if c.Partitioning == PartitioningTenant && !given["bufferIntervalSeconds"] {
		c.BufferIntervalSeconds = max(c.BufferIntervalSeconds, MinDynamicPartitioningIntervalSeconds)
	}
}
