// Package lab is the leaf every part of the project agrees on: lab-wide names and defaults, the Kinesis limits,
// the contract between the stack and the producer's Lambda handler, and the traffic model the cost estimate
// prices. It imports only the standard library, so the CDK app, the producer and labcheck can all read it without
// linking one another (or the AWS SDK into the synth binary).
package lab

// Names and defaults of the console lab that more than one program needs.
const (
	// StackBaseName is the CloudFormation stack name before any namePrefix.
	StackBaseName = "TenantMetricsLab"
	// DefaultStreamName is the Kinesis data stream the lab creates and `producer send` writes to by default.
	DefaultStreamName = "tenant-metrics-stream"
	// DefaultDeliveryStreamName is the Firehose stream the lab creates.
	DefaultDeliveryStreamName = "tenant_metrics_firehose"
	// DefaultPrefix is the S3 key prefix of delivered objects ("do not forget the /").
	DefaultPrefix = "stream/"
	// TenantColumn is the partition column (and folder key) of the per-tenant layout.
	TenantColumn = "tenant_id"
)
