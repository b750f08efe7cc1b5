// Package kplread de-aggregates Kinesis records written in the KPL aggregated format, as Firehose does before
// delivery and the KCL does for consumers. It is the test stand-ins' reader (test/firehose, the shard-limit
// endpoint) and is written independently of internal/kpl's writer, so a round trip through both checks the
// format rather than one implementation against itself.
// https://github.com/awslabs/amazon-kinesis-producer/blob/master/aggregation-format.md
package kplread

import (
	"bytes"
	"crypto/md5"
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

var magic = []byte{0xF3, 0x89, 0x9A, 0xC2}

// UserRecord is one record a producer put, as a consumer sees it after de-aggregation.
type UserRecord struct {
	PartitionKey    string
	ExplicitHashKey string
	Data            []byte
}

// IsAggregated reports whether data starts with the magic bytes and is long enough to carry a digest.
func IsAggregated(data []byte) bool {
	return len(data) >= len(magic)+md5.Size && bytes.HasPrefix(data, magic)
}

// Records returns the user records of one Kinesis record: the aggregated ones, or the record itself (with its own
// partition key) when it is not aggregated. A record with the magic but a wrong digest is, like the KCL treats it,
// not an aggregate.
func Records(data []byte, partitionKey string) ([]UserRecord, error) {
	plain := []UserRecord{{PartitionKey: partitionKey, Data: data}}
	if !IsAggregated(data) {
		return plain, nil
	}
	body := data[len(magic) : len(data)-md5.Size]
	if sum := md5.Sum(body); !bytes.Equal(sum[:], data[len(data)-md5.Size:]) {
		return plain, nil
	}
	var keys, hashKeys []string
	type raw struct {
		key, hashKey uint64
		hasHashKey   bool
		data         []byte
	}
	var raws []raw
	for len(body) > 0 {
		num, typ, n := protowire.ConsumeTag(body)
		if n < 0 {
			return nil, fmt.Errorf("aggregate: %w", protowire.ParseError(n))
		}
		body = body[n:]
		switch {
		case (num == 1 || num == 2) && typ == protowire.BytesType:
			v, n := protowire.ConsumeString(body)
			if n < 0 {
				return nil, fmt.Errorf("aggregate key table: %w", protowire.ParseError(n))
			}
			body = body[n:]
			if num == 1 {
				keys = append(keys, v)
			} else {
				hashKeys = append(hashKeys, v)
			}
		case num == 3 && typ == protowire.BytesType:
			msg, n := protowire.ConsumeBytes(body)
			if n < 0 {
				return nil, fmt.Errorf("aggregate record: %w", protowire.ParseError(n))
			}
			body = body[n:]
			var r raw
			seenKey, seenData := false, false
			for len(msg) > 0 {
				f, t, n := protowire.ConsumeTag(msg)
				if n < 0 {
					return nil, fmt.Errorf("record field: %w", protowire.ParseError(n))
				}
				msg = msg[n:]
				switch {
				case f == 1 && t == protowire.VarintType:
					r.key, n = protowire.ConsumeVarint(msg)
					seenKey = true
				case f == 2 && t == protowire.VarintType:
					r.hashKey, n = protowire.ConsumeVarint(msg)
					r.hasHashKey = true
				case f == 3 && t == protowire.BytesType:
					r.data, n = protowire.ConsumeBytes(msg)
					seenData = true
				default: // tags and unknown fields are skipped
					n = protowire.ConsumeFieldValue(f, t, msg)
				}
				if n < 0 {
					return nil, fmt.Errorf("record field %d: %w", f, protowire.ParseError(n))
				}
				msg = msg[n:]
			}
			if !seenKey || !seenData {
				return nil, errors.New("aggregate record without partition_key_index or data")
			}
			raws = append(raws, r)
		default:
			n := protowire.ConsumeFieldValue(num, typ, body)
			if n < 0 {
				return nil, fmt.Errorf("aggregate field %d: %w", num, protowire.ParseError(n))
			}
			body = body[n:]
		}
	}
	out := make([]UserRecord, len(raws))
	for i, r := range raws {
		if r.key >= uint64(len(keys)) {
			return nil, fmt.Errorf("record %d: partition key index %d of %d keys", i, r.key, len(keys))
		}
		out[i] = UserRecord{PartitionKey: keys[r.key], Data: r.data}
		if r.hasHashKey {
			if r.hashKey >= uint64(len(hashKeys)) {
				return nil, fmt.Errorf("record %d: hash key index %d of %d", i, r.hashKey, len(hashKeys))
			}
			out[i].ExplicitHashKey = hashKeys[r.hashKey]
		}
	}
	return out, nil
}
