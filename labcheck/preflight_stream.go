package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kinesistypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// AWS pages the stream checks cite.
const (
	streamKeyPage      = "https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html"
	firehoseSourcePage = "https://docs.aws.amazon.com/firehose/latest/dev/writing-with-kinesis-streams.html"
	getRecordsPage     = "https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html"
	updatingPage       = "https://docs.aws.amazon.com/kinesis/latest/APIReference/API_UpdateShardCount.html"
	// awsManagedStreamKey is the alias of Kinesis' AWS managed key, which needs no grant (streamKeyPage).
	awsManagedStreamKey = "alias/aws/kinesis"
)

// maxFirehoseReaders is how many Firehose streams one Kinesis stream serves before they throttle each other: each
// calls GetRecords once per second for each shard, and every such call counts against the shard's read limit
// (firehoseSourcePage), which is 5 GetRecords calls per second (getRecordsPage). Other shared-throughput consumers
// take from the same 5; enhanced fan-out consumers (up to 20 per stream) have their own throughput and do not.
const maxFirehoseReaders = 5

// checkExistingStream looks at the stream streamArn references: it must exist and be ACTIVE, its key must be one
// the stack's roles can use, its capacity must take producerRate, and one more Firehose reader must fit.
func checkExistingStream(ctx context.Context, a *account, cfg config.Config, f *findings) error {
	if _, ok := cfg.ExistingStream(); !ok {
		return nil
	}
	arn := cfg.StreamArn
	out, err := a.kinesis.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamARN: aws.String(arn)})
	if notFound(err) {
		f.block("stream %s (streamArn) does not exist: the stack references an existing stream and never creates one; create it, or leave streamArn empty", arn)
		return nil
	}
	if err != nil {
		return fmt.Errorf("describe stream %s: %w", arn, err)
	}
	s := out.StreamDescriptionSummary
	if s == nil {
		return fmt.Errorf("describe stream %s: no summary in the answer", arn)
	}
	switch s.StreamStatus {
	case kinesistypes.StreamStatusActive:
		f.ok("stream %s (streamArn) is ACTIVE", arn)
	case kinesistypes.StreamStatusUpdating:
		f.note("stream %s (streamArn) is UPDATING: reads and writes go on meanwhile (%s)", arn, updatingPage)
	default:
		f.block("stream %s (streamArn) is %s: the producer and Firehose need it ACTIVE", arn, s.StreamStatus)
		return nil
	}
	if err := checkStreamKey(ctx, a, cfg, s, f); err != nil {
		return err
	}
	checkStreamCapacity(cfg, s, f)
	return checkFirehoseReaders(ctx, a, cfg, f)
}

// checkStreamKey reads how the stream is encrypted. A customer managed key needs kms:GenerateDataKey for the
// producer and kms:Decrypt for Firehose's source role, or writes and reads fail (streamKeyPage); the stack grants
// no key for a referenced stream, so the finding names the key to pass.
func checkStreamKey(ctx context.Context, a *account, cfg config.Config, s *kinesistypes.StreamDescriptionSummary, f *findings) error {
	if s.EncryptionType != kinesistypes.EncryptionTypeKms {
		f.warn("stream %s (streamArn) is not encrypted at rest (EncryptionType %s), unlike everything the stack creates: ask its owner to turn on server-side encryption", cfg.StreamArn, s.EncryptionType)
		return nil
	}
	keyID := aws.ToString(s.KeyId)
	if keyID == awsManagedStreamKey || strings.HasSuffix(keyID, ":"+awsManagedStreamKey) {
		f.ok("stream %s is encrypted with the AWS managed key %s: no key permission to grant (%s)", cfg.StreamArn, awsManagedStreamKey, streamKeyPage)
		return nil
	}
	key, err := a.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyID)})
	if err != nil {
		return fmt.Errorf("describe the key %s of stream %s: %w", keyID, cfg.StreamArn, err)
	}
	if key.KeyMetadata == nil {
		return fmt.Errorf("describe the key %s of stream %s: no key metadata in the answer", keyID, cfg.StreamArn)
	}
	if key.KeyMetadata.KeyManager == kmstypes.KeyManagerTypeAws {
		f.ok("stream %s is encrypted with an AWS managed key: no key permission to grant (%s)", cfg.StreamArn, streamKeyPage)
		return nil
	}
	if arn := aws.ToString(key.KeyMetadata.Arn); cfg.KmsKeyArn == arn {
		f.ok("stream %s is encrypted with %s, the key kmsKeyArn names: the stack grants the producer kms:GenerateDataKey and Firehose's source role kms:Decrypt on it", cfg.StreamArn, arn)
		return nil
	}
	f.block("stream %s is encrypted with the customer managed key %s: the producer needs kms:GenerateDataKey and Firehose's source role kms:Decrypt on it, or writes and reads fail (%s); pass the key (-c encryption=kms -c kmsKeyArn=%s), which the stack then grants, or use a stream under %s",
		cfg.StreamArn, aws.ToString(key.KeyMetadata.Arn), streamKeyPage, aws.ToString(key.KeyMetadata.Arn), awsManagedStreamKey)
	return nil
}

// checkStreamCapacity compares producerRate with what the stream takes: its open shards' records per second when
// provisioned; on demand, Kinesis grows the stream with the traffic.
func checkStreamCapacity(cfg config.Config, s *kinesistypes.StreamDescriptionSummary, f *findings) {
	if !cfg.Producer {
		return
	}
	if s.StreamModeDetails != nil && s.StreamModeDetails.StreamMode == kinesistypes.StreamModeOnDemand {
		f.ok("stream %s is on-demand: it takes %d records/s new and grows with its traffic; the producer sends %d events/s", cfg.StreamArn, lab.OnDemandRecordsPerSecond, cfg.ProducerRate)
		return
	}
	shards := int(aws.ToInt32(s.OpenShardCount))
	if capacity := shards * lab.ShardRecordsPerSecond; cfg.ProducerRate > capacity {
		f.block("producerRate=%d: stream %s has %d open shard(s), %d records/s, and its other writers take from the same; lower producerRate or ask its owner for more shards", cfg.ProducerRate, cfg.StreamArn, shards, capacity)
		return
	}
	f.ok("stream %s has %d open shard(s) for the producer's %d events/s (each shard takes %d records/s, shared with the stream's other writers)", cfg.StreamArn, shards, cfg.ProducerRate, lab.ShardRecordsPerSecond)
}

// checkFirehoseReaders counts the Firehose streams other than the stack's that read the stream.
func checkFirehoseReaders(ctx context.Context, a *account, cfg config.Config, f *findings) error {
	readers, err := a.firehoseReaders(ctx, cfg.StreamArn)
	if err != nil {
		return err
	}
	var others []string
	for _, r := range readers {
		if r != cfg.FirehoseStreamName() {
			others = append(others, r)
		}
	}
	if len(others)+1 > maxFirehoseReaders {
		f.block("stream %s already has %d Firehose readers (%s): with the stack's that is %d, and each calls GetRecords once a second per shard against the shard's %d calls a second (%s, %s), so they would throttle each other; use a stream of your own (leave streamArn empty)",
			cfg.StreamArn, len(others), strings.Join(others, ", "), len(others)+1, maxFirehoseReaders, firehoseSourcePage, getRecordsPage)
		return nil
	}
	f.ok("stream %s: %d other Firehose reader(s); with the stack's, %d of the %d GetRecords calls a second each shard serves (shared with the stream's other consumers)", cfg.StreamArn, len(others), len(others)+1, maxFirehoseReaders)
	return nil
}

// firehoseReaders lists the Firehose streams of the account and region whose source is the Kinesis stream arn.
func (a *account) firehoseReaders(ctx context.Context, arn string) ([]string, error) {
	var readers []string
	in := &firehose.ListDeliveryStreamsInput{DeliveryStreamType: fhtypes.DeliveryStreamTypeKinesisStreamAsSource}
	for {
		page, err := a.firehose.ListDeliveryStreams(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list Firehose streams: %w", err)
		}
		for _, name := range page.DeliveryStreamNames {
			out, err := a.firehose.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(name)})
			if notFound(err) {
				continue // deleted since the list
			}
			if err != nil {
				return nil, fmt.Errorf("describe Firehose stream %s: %w", name, err)
			}
			if d := out.DeliveryStreamDescription; d != nil && d.Source != nil && d.Source.KinesisStreamSourceDescription != nil &&
				aws.ToString(d.Source.KinesisStreamSourceDescription.KinesisStreamARN) == arn {
				readers = append(readers, name)
			}
		}
		if !aws.ToBool(page.HasMoreDeliveryStreams) || len(page.DeliveryStreamNames) == 0 {
			return readers, nil
		}
		in.ExclusiveStartDeliveryStreamName = aws.String(page.DeliveryStreamNames[len(page.DeliveryStreamNames)-1])
	}
}
