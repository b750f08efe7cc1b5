package streamwriter_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/streamwriter"
)

// oneShard is the smallest Kinesis the writer can talk to: one open shard that accepts every record. A real
// program passes a *kinesis.Client.
type oneShard struct {
	mu     sync.Mutex
	stored int
}

func (s *oneShard) ListShards(context.Context, *kinesis.ListShardsInput, ...func(*kinesis.Options)) (*kinesis.ListShardsOutput, error) {
	return &kinesis.ListShardsOutput{Shards: []types.Shard{{
		ShardId:      aws.String("shardId-000000000000"),
		HashKeyRange: &types.HashKeyRange{StartingHashKey: aws.String("0"), EndingHashKey: aws.String("340282366920938463463374607431768211455")},
	}}}, nil
}

func (s *oneShard) PutRecords(_ context.Context, in *kinesis.PutRecordsInput, _ ...func(*kinesis.Options)) (*kinesis.PutRecordsOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stored += len(in.Records)
	out := &kinesis.PutRecordsOutput{Records: make([]types.PutRecordsResultEntry, len(in.Records))}
	for i := range out.Records {
		out.Records[i] = types.PutRecordsResultEntry{ShardId: aws.String("shardId-000000000000"), SequenceNumber: aws.String(fmt.Sprint(i))}
	}
	return out, nil
}

// Put queues records (blocking when the writer is full: back-pressure); Close delivers what is buffered and in
// flight, retrying throttled and failed records, and says what became of every one.
func ExampleWriter() {
	ctx := context.Background()
	api := &oneShard{}
	w, err := streamwriter.New(ctx, api, streamwriter.Options{Stream: "tenant-metrics-stream"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range 500 {
		if err := w.Put(ctx, streamwriter.Record{Data: []byte(`{"n":` + fmt.Sprint(i) + "}\n"), PartitionKey: "tenant-id-1"}); err != nil {
			fmt.Println(err)
			return
		}
	}
	stats, err := w.Close(ctx)
	fmt.Println(stats.Put, stats.Accepted, stats.Failed, api.stored, err)
	// Output: 500 500 0 500 <nil>
}
