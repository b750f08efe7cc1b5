package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// newStream declares the Kinesis data stream the producers write to and Firehose reads.
func newStream(stack awscdk.Stack, cfg config.Config, pl plan) awskinesis.Stream {
	return awskinesis.NewStream(stack, jsii.String("Stream"), &awskinesis.StreamProps{
		StreamName:      jsii.String(cfg.KinesisStreamName()),
		StreamMode:      awskinesis.StreamMode_PROVISIONED,
		ShardCount:      jsii.Number(float64(cfg.ShardCount)),
		RetentionPeriod: awscdk.Duration_Hours(jsii.Number(float64(cfg.RetentionHours))),
		// The AWS-managed key (alias/aws/kinesis) encrypts at rest with no key to pay for or lose, and consumers
		// need no extra KMS permissions to read.
		Encryption:    awskinesis.StreamEncryption_MANAGED,
		RemovalPolicy: pl.removal,
	})
}
