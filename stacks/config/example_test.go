package config_test

import (
	"fmt"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// Context values arrive as cdk.json's JSON values or -c key=value strings; FromContext lays them over the
// defaults, validates everything, and derives every physical name from the result.
func ExampleFromContext() {
	cfg, err := config.FromContext(map[string]any{"namePrefix": "alice", "shardCount": "2"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.StackName(), cfg.KinesisStreamName(), cfg.FirehoseStreamName(), cfg.ShardCount)
	fmt.Println(cfg.AlarmName("IteratorAge"), cfg.DatabaseName())

	// A bad value fails naming the key, the value and what is allowed; a misspelt key gets a suggestion.
	_, err = config.FromContext(map[string]any{"shardCount": "0", "shard_count": "2"})
	fmt.Println(err)
	// Output:
	// alice-TenantMetricsLab alice-tenant-metrics-stream alice-tenant_metrics_firehose 2
	// alice-TenantMetricsLab-IteratorAge alice_tenant_metrics_lab
	// unknown context key shard_count="2" (did you mean "shardCount"?): allowed keys are namePrefix, streamName, shardCount, retentionHours, streamArn, streamMode, deliveryStreamName, bucketName, prefix, errorPrefix, dataRetentionDays, archiveAfterDays, bufferSizeMiB, bufferIntervalSeconds, compression, logRetentionDays, encryption, kmsKeyArn, retain, producer, producerRate, producerAggregate, producerReservedConcurrency, monitoring, alarmEmail, query, queryScanCutoffMiB, partitioning, format, transform, backup
	// invalid context value shardCount="0": must be a whole number from 1 to 50
}
