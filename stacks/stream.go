package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// newStream declares the Kinesis data stream the producers write to and Firehose reads, or with streamArn
// references an existing one: an imported stream is no resource of the stack, so no update or destroy of the
// stack ever changes or deletes it.
func newStream(stack awscdk.Stack, cfg config.Config, pl plan, key awskms.IKey) awskinesis.IStream {
	if cfg.StreamArn != "" {
		// A literal ARN: the L2 splits it at synth, so the stream's name (the alarms' dimension, the producer's
		// STREAM_NAME) is a literal too.
		// With kmsKeyArn it is the stream's key too (the preflight checks it is): the L2's read grant then gives the
		// Firehose source role kms:Decrypt on it, and the producer gets kms:GenerateDataKey.
		return awskinesis.Stream_FromStreamAttributes(stack, jsii.String("Stream"), &awskinesis.StreamAttributes{
			StreamArn:     jsii.String(cfg.StreamArn),
			EncryptionKey: key,
		})
	}
	props := &awskinesis.StreamProps{
		StreamName:      jsii.String(cfg.KinesisStreamName()),
		StreamMode:      awskinesis.StreamMode_PROVISIONED,
		ShardCount:      jsii.Number(float64(cfg.ShardCount)),
		RetentionPeriod: awscdk.Duration_Hours(jsii.Number(float64(cfg.RetentionHours))),
		// The AWS-managed key (alias/aws/kinesis) encrypts at rest with no key to pay for or lose, and consumers
		// need no extra KMS permissions to read.
		Encryption:    awskinesis.StreamEncryption_MANAGED,
		RemovalPolicy: pl.removal,
	}
	if key != nil {
		// The customer-managed key (encryption=kms); the L2's read grant gives the Firehose source role
		// kms:Decrypt on it, and the producer gets kms:GenerateDataKey (kinesisKeyStatement).
		props.Encryption = awskinesis.StreamEncryption_KMS
		props.EncryptionKey = key
	}
	if pl.onDemand {
		// Kinesis manages the shards: the L2 refuses a shard count with ON_DEMAND (StreamModeSet), and the
		// template has none. https://docs.aws.amazon.com/streams/latest/dev/how-do-i-size-a-stream.html
		props.StreamMode = awskinesis.StreamMode_ON_DEMAND
		props.ShardCount = nil
	}
	s := awskinesis.NewStream(stack, jsii.String("Stream"), props)
	if key != nil {
		suppressCustomerKeyStream(s)
	}
	return s
}
