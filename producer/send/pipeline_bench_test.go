package send

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/streamwriter"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

// acceptAll is an in-memory stream of n shards that accepts every record at once: what is left to measure is the
// producer's own work (generate, encode, batch, aggregate, build the requests), without HTTP or an endpoint.
type acceptAll struct{ shards []types.Shard }

func (a acceptAll) ListShards(context.Context, *kinesis.ListShardsInput, ...func(*kinesis.Options)) (*kinesis.ListShardsOutput, error) {
	return &kinesis.ListShardsOutput{Shards: a.shards}, nil
}

func (acceptAll) PutRecords(_ context.Context, in *kinesis.PutRecordsInput, _ ...func(*kinesis.Options)) (*kinesis.PutRecordsOutput, error) {
	out := &kinesis.PutRecordsOutput{Records: make([]types.PutRecordsResultEntry, len(in.Records))}
	for i := range out.Records {
		out.Records[i].SequenceNumber = aws.String("1")
	}
	return out, nil
}

// BenchmarkPipelineCPU is the producer's CPU per event with and without aggregation (run with -cpu 1, where wall
// time is CPU time): `make bench` prints both and their ratio.
func BenchmarkPipelineCPU(b *testing.B) {
	api := acceptAll{shards: []types.Shard{{
		ShardId:      aws.String("shardId-000000000000"),
		HashKeyRange: &types.HashKeyRange{StartingHashKey: aws.String("0"), EndingHashKey: aws.String("340282366920938463463374607431768211455")},
	}}}
	for _, aggregate := range []bool{false, true} {
		b.Run(fmt.Sprintf("aggregate=%v", aggregate), func(b *testing.B) {
			const events = 50000
			for range b.N {
				sum, err := Run(b.Context(), api, Options{
					Stream: "mem", Count: events, PartitionKey: KeyTenant, Generator: telemetry.Options{RunID: "cpu"},
					Writer: streamwriter.Options{Aggregate: aggregate, NoPacing: true, Linger: time.Millisecond},
				})
				if err != nil || sum.Accepted != events {
					b.Fatalf("%v %s", err, sum)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*events), "ns/event")
		})
	}
}
