// Package firehose is a TEST-ONLY STAND-IN for Amazon Data Firehose, which has no emulator: it reads a Kinesis
// stream, de-aggregates KPL aggregated records as Firehose does with a Kinesis source ("Firehose de-aggregates the
// records before it delivers them to the destination", Kinesis Data Streams developer guide, "Use the KPL with
// Amazon Data Firehose"), and writes GZIP batches to S3 under Firehose's key layout, flushing on a size or age
// threshold like Firehose's buffering hints. It exists so the end-to-end test can run producer -> Kinesis -> S3 -> verify on one
// machine. It never ships: nothing outside test/ and tests imports it.
package firehose

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/kplread"
)

// ObjectKey is where Firehose puts a batch: prefix + YYYY/MM/DD/HH/ + <stream>-<version>-<timestamp>-<uuid>.gz.
func ObjectKey(prefix, deliveryStream string, version int, at time.Time, id string) string {
	at = at.UTC()
	return fmt.Sprintf("%s%s/%s-%d-%s-%s.gz", prefix, at.Format("2006/01/02/15"), deliveryStream, version, at.Format("2006-01-02-15-04-05"), id)
}

// Options configure the stand-in like a delivery stream's S3 destination.
type Options struct {
	Stream         string        // source Kinesis stream
	DeliveryStream string        // name used in object keys
	Bucket, Prefix string        // destination
	BufferBytes    int           // flush when a batch reaches this many uncompressed bytes (Firehose: 1 MiB)
	BufferInterval time.Duration // flush a batch this old (Firehose: 60 s; shortened in tests)
	Poll           time.Duration // GetRecords interval when the stream is idle
}

// Deliver copies the stream's records to S3 until ctx ends, then flushes what it holds. It reads every shard
// from the start of the stream.
func Deliver(ctx context.Context, k *kinesis.Client, s3c *s3.Client, o Options) error {
	shards, err := k.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(o.Stream)})
	if err != nil {
		return fmt.Errorf("list shards: %w", err)
	}
	iterators := map[string]*string{}
	for _, sh := range shards.Shards {
		it, err := k.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
			StreamName: aws.String(o.Stream), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
		})
		if err != nil {
			return fmt.Errorf("shard iterator: %w", err)
		}
		iterators[*sh.ShardId] = it.ShardIterator
	}
	var batch bytes.Buffer
	var oldest time.Time
	flush := func(ctx context.Context) error {
		if batch.Len() == 0 {
			return nil
		}
		var gz bytes.Buffer
		w := gzip.NewWriter(&gz)
		w.Write(batch.Bytes())
		w.Close()
		key := ObjectKey(o.Prefix, o.DeliveryStream, 1, time.Now(), newID())
		if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(key), Body: bytes.NewReader(gz.Bytes())}); err != nil {
			return fmt.Errorf("put %s: %w", key, err)
		}
		batch.Reset()
		return nil
	}
	for {
		got := 0
		for id, it := range iterators {
			if it == nil || ctx.Err() != nil {
				continue
			}
			res, err := k.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it})
			if err != nil {
				if ctx.Err() != nil {
					break
				}
				return fmt.Errorf("get records: %w", err)
			}
			iterators[id] = res.NextShardIterator
			for _, r := range res.Records {
				users, err := kplread.Records(r.Data, aws.ToString(r.PartitionKey))
				if err != nil {
					return fmt.Errorf("de-aggregate record %s: %w", aws.ToString(r.SequenceNumber), err)
				}
				if batch.Len() == 0 {
					oldest = time.Now()
				}
				// Firehose concatenates record data as it is; the producer's records end in a newline.
				for _, u := range users {
					batch.Write(u.Data)
				}
				got++
				if batch.Len() >= o.BufferBytes {
					if err := flush(ctx); err != nil {
						return err
					}
				}
			}
		}
		if batch.Len() > 0 && time.Since(oldest) >= o.BufferInterval {
			if err := flush(ctx); err != nil {
				return err
			}
		}
		if ctx.Err() != nil {
			return flush(context.WithoutCancel(ctx))
		}
		if got == 0 {
			select {
			case <-time.After(o.Poll):
			case <-ctx.Done():
			}
		}
	}
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
