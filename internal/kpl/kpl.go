// Package kpl packs many user records into one Kinesis record in the Kinesis Producer Library's aggregated
// format, which Firehose (with a Kinesis source), the KCL and Lambda's de-aggregation helpers unpack again:
// the magic bytes F3 89 9A C2, a protobuf AggregatedRecord, and the MD5 digest of the protobuf bytes.
// https://github.com/awslabs/amazon-kinesis-producer/blob/master/aggregation-format.md
//
//	message AggregatedRecord {
//	  repeated string partition_key_table     = 1;
//	  repeated string explicit_hash_key_table = 2;  // not used: an aggregate lives on one shard
//	  repeated Record records                 = 3;
//	}
//	message Record {
//	  required uint64 partition_key_index     = 1;
//	  optional uint64 explicit_hash_key_index = 2;  // not used
//	  required bytes  data                    = 3;
//	  repeated Tag    tags                    = 4;  // not used
//	}
//
// The protobuf is written by hand with protowire: three fields need no generated code.
package kpl

import (
	"crypto/md5"

	"google.golang.org/protobuf/encoding/protowire"
)

// magic starts every aggregated record; a consumer that finds no magic treats the record as a plain one.
var magic = [4]byte{0xF3, 0x89, 0x9A, 0xC2}

// overhead is what an aggregate adds around its protobuf: the magic bytes and the MD5 digest.
const overhead = len(magic) + md5.Size

// Field numbers of the format.
const (
	fieldPartitionKeyTable = 1
	fieldRecords           = 3
	fieldKeyIndex          = 1
	fieldData              = 3
)

// Aggregate collects user records for one Kinesis record. The zero value is empty and ready; it keeps references
// to the data it is given until Reset.
type Aggregate struct {
	keys     []string
	keyIndex map[string]int
	records  []entry
	size     int // protobuf bytes so far
}

type entry struct {
	key  int
	data []byte
}

// Len is the number of user records in the aggregate.
func (a *Aggregate) Len() int { return len(a.records) }

// Size is the encoded size of the aggregate: magic, protobuf and digest.
func (a *Aggregate) Size() int { return overhead + a.size }

// FirstKey is the partition key of the first user record; the aggregate's Kinesis record uses it, as the KPL does.
func (a *Aggregate) FirstKey() string {
	if len(a.records) == 0 {
		return ""
	}
	return a.keys[a.records[0].key]
}

// sizeWith is what Size would be after Add(key, data of dataLen bytes).
func (a *Aggregate) sizeWith(key string, dataLen int) int {
	return a.Size() + a.growth(key, dataLen)
}

// Fits reports whether adding a record keeps the aggregate's Kinesis record within limit bytes. Kinesis counts a
// record's data and its partition key, and the aggregate is sent with its first record's key (this record's,
// when it would be the first), as the KPL does.
func (a *Aggregate) Fits(key string, dataLen, limit int) bool {
	sentKey := a.FirstKey()
	if a.Len() == 0 {
		sentKey = key
	}
	return a.sizeWith(key, dataLen)+len(sentKey) <= limit
}

// growth is how many protobuf bytes adding a record adds: its key's table entry if the key is new, and the
// Record message with its length prefix.
func (a *Aggregate) growth(key string, dataLen int) int {
	idx, known := a.keyIndex[key]
	n := 0
	if !known {
		idx = len(a.keys)
		n += protowire.SizeTag(fieldPartitionKeyTable) + protowire.SizeBytes(len(key))
	}
	rec := recordSize(idx, dataLen)
	return n + protowire.SizeTag(fieldRecords) + protowire.SizeBytes(rec)
}

// recordSize is the size of one Record message's body.
func recordSize(keyIndex, dataLen int) int {
	return protowire.SizeTag(fieldKeyIndex) + protowire.SizeVarint(uint64(keyIndex)) +
		protowire.SizeTag(fieldData) + protowire.SizeBytes(dataLen)
}

// Add appends a user record.
func (a *Aggregate) Add(key string, data []byte) {
	a.size += a.growth(key, len(data))
	idx, known := a.keyIndex[key]
	if !known {
		if a.keyIndex == nil {
			a.keyIndex = map[string]int{}
		}
		idx = len(a.keys)
		a.keys = append(a.keys, key)
		a.keyIndex[key] = idx
	}
	a.records = append(a.records, entry{key: idx, data: data})
}

// Reset empties the aggregate for reuse, dropping its references to the data.
func (a *Aggregate) Reset() {
	a.keys = a.keys[:0]
	clear(a.keyIndex)
	clear(a.records)
	a.records = a.records[:0]
	a.size = 0
}

// appendEncoded appends the aggregated record (magic, protobuf, MD5 of the protobuf) to dst.
func (a *Aggregate) appendEncoded(dst []byte) []byte {
	dst = append(dst, magic[:]...)
	start := len(dst)
	for _, k := range a.keys {
		dst = protowire.AppendTag(dst, fieldPartitionKeyTable, protowire.BytesType)
		dst = protowire.AppendString(dst, k)
	}
	for _, r := range a.records {
		dst = protowire.AppendTag(dst, fieldRecords, protowire.BytesType)
		dst = protowire.AppendVarint(dst, uint64(recordSize(r.key, len(r.data))))
		dst = protowire.AppendTag(dst, fieldKeyIndex, protowire.VarintType)
		dst = protowire.AppendVarint(dst, uint64(r.key))
		dst = protowire.AppendTag(dst, fieldData, protowire.BytesType)
		dst = protowire.AppendBytes(dst, r.data)
	}
	sum := md5.Sum(dst[start:])
	return append(dst, sum[:]...)
}

// Encode returns the aggregated record in a new slice of exactly Size bytes.
func (a *Aggregate) Encode() []byte {
	return a.appendEncoded(make([]byte, 0, a.Size()))
}
