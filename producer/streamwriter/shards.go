package streamwriter

import (
	"context"
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"math/big"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// hashKey is a 128-bit Kinesis hash key, split for cheap comparison.
type hashKey struct{ hi, lo uint64 }

func (a hashKey) less(b hashKey) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

// String is the decimal form Kinesis uses for hash keys (ExplicitHashKey, shard ranges).
func (a hashKey) String() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], a.hi)
	binary.BigEndian.PutUint64(b[8:], a.lo)
	return new(big.Int).SetBytes(b[:]).String()
}

// partitionHash is how Kinesis routes a record: the MD5 of its partition key read as a big-endian 128-bit number.
func partitionHash(key string) hashKey {
	sum := md5.Sum([]byte(key))
	return hashKey{binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:])}
}

func parseHashKey(s string) (hashKey, error) {
	n, ok := new(big.Int).SetString(s, 10)
	if !ok || n.Sign() < 0 || n.BitLen() > 128 {
		return hashKey{}, fmt.Errorf("bad hash key %q", s)
	}
	var b [16]byte
	n.FillBytes(b[:])
	return hashKey{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}, nil
}

// shardMap routes partition keys to the stream's open shards, by their starting hash keys.
type shardMap struct {
	starts []hashKey // sorted; shard i covers [starts[i], starts[i+1])
}

// shardOf returns the index of the shard a partition key lands on.
func (m *shardMap) shardOf(key string) int {
	if len(m.starts) <= 1 {
		return 0
	}
	h := partitionHash(key)
	// First shard whose start is beyond h, minus one.
	i := sort.Search(len(m.starts), func(i int) bool { return h.less(m.starts[i]) })
	return max(i-1, 0)
}

// listOpenShards reads the stream's shards and keeps the open ones (no ending sequence number), which are the
// ones that accept writes and so set the stream's write capacity.
func listOpenShards(ctx context.Context, api API, stream string) (*shardMap, error) {
	in := &kinesis.ListShardsInput{StreamName: aws.String(stream)}
	m := &shardMap{}
	for {
		out, err := api.ListShards(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, s := range out.Shards {
			if s.SequenceNumberRange != nil && s.SequenceNumberRange.EndingSequenceNumber != nil {
				continue
			}
			if s.HashKeyRange == nil || s.HashKeyRange.StartingHashKey == nil {
				return nil, fmt.Errorf("shard %s has no hash key range", aws.ToString(s.ShardId))
			}
			k, err := parseHashKey(*s.HashKeyRange.StartingHashKey)
			if err != nil {
				return nil, fmt.Errorf("shard %s: %w", aws.ToString(s.ShardId), err)
			}
			m.starts = append(m.starts, k)
		}
		if out.NextToken == nil {
			break
		}
		// ListShards rejects StreamName together with NextToken.
		in = &kinesis.ListShardsInput{NextToken: out.NextToken}
	}
	if len(m.starts) == 0 {
		return nil, fmt.Errorf("stream %s has no open shards", stream)
	}
	sort.Slice(m.starts, func(i, j int) bool { return m.starts[i].less(m.starts[j]) })
	return m, nil
}
