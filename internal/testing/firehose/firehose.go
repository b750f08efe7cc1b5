// Package firehose is a TEST-ONLY STAND-IN for Amazon Data Firehose, which has no emulator: it reads a Kinesis
// stream, applies dynamic partitioning's JQ query (with a real jq implementation, gojq) and renders the prefix's
// expressions, de-aggregates KPL aggregated records as Firehose does with a Kinesis source ("Firehose de-aggregates the
// records before it delivers them to the destination", Kinesis Data Streams developer guide, "Use the KPL with
// Amazon Data Firehose"), and writes GZIP (or, converted, Parquet) batches to S3 under Firehose's key layout, flushing on a size or age
// threshold like Firehose's buffering hints. It exists so the end-to-end test can run producer -> Kinesis -> S3 -> verify on one
// machine. With Options.Transform it applies a transformation the test injects (the product's Lambda handler) with
// Firehose's result contract, diverting failed records under the error prefix as processing-failed, and with
// Options.BackupPrefix it keeps the source records as Firehose's source record backup does. It never ships:
// nothing outside test/ and tests imports it.
package firehose

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/itchyny/gojq"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/eventparquet"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kplread"
)

// ObjectKey is where Firehose puts a batch of a prefix without partitioning keys: the rendered prefix (with
// yyyy/MM/dd/HH/ appended when it has no timestamp expression) and the object's name.
func ObjectKey(prefix, deliveryStream string, version int, at time.Time, id string) string {
	rendered, err := RenderPrefix(prefix, at, nil)
	if err != nil {
		panic(err)
	}
	return rendered + objectName(deliveryStream, version, at, id, ".gz")
}

// objectName is the name Firehose gives a batch under its (rendered) prefix: <stream>-<version>-<timestamp>-<uuid>
// and the extension (.gz for GZIP; the FileExtension, .parquet here, with format conversion).
func objectName(deliveryStream string, version int, at time.Time, id, ext string) string {
	return fmt.Sprintf("%s-%d-%s-%s%s", deliveryStream, version, at.UTC().Format("2006-01-02-15-04-05"), id, ext)
}

// Options configure the stand-in like a delivery stream's S3 destination.
type Options struct {
	Stream         string        // source Kinesis stream
	DeliveryStream string        // name used in object keys
	Bucket, Prefix string        // destination; Prefix as in the template, expressions included
	BufferBytes    int           // flush a partition's batch at this many uncompressed bytes (Firehose: 1 MiB)
	BufferInterval time.Duration // flush a batch this old (Firehose: 60 s; shortened in tests)
	Poll           time.Duration // GetRecords interval when the stream is idle
	// PartitionQuery is the dynamic-partitioning JQ expression (MetadataExtractionQuery, e.g.
	// {tenant_id:.tenant.id}); it runs on every de-aggregated record, and its keys fill !{partitionKeyFromQuery:...}.
	PartitionQuery string
	// Parquet converts each batch as Firehose's record format conversion does: the JSON records deserialized and
	// written as one GZIP-compressed Parquet file with the table's columns (internal/eventparquet), named .parquet.
	Parquet bool
	// Transform is the Lambda data transformation, applied to every de-aggregated record before partitioning and
	// conversion as Firehose does: it returns the new data and the result, Ok, Dropped or ProcessingFailed
	// (https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-status-model.html). The test injects
	// the product's function. Ok records go on, Dropped ones vanish, and failed ones are written under ErrorPrefix
	// rendered with processing-failed, one JSON error record each.
	Transform func(data []byte) (out []byte, result string)
	// ErrorPrefix is the destination's error prefix, expressions included; needed with Transform.
	ErrorPrefix string
	// LambdaArn is what the error records name as the transformation function.
	LambdaArn string
	// BackupPrefix, when set, turns on source record backup: every record as read from the stream (after
	// de-aggregation, before transformation), GZIP-compressed under this prefix with yyyy/MM/dd/HH/ appended.
	BackupPrefix string
}

// Transformation results of Firehose's data transformation contract.
const (
	ResultOk               = "Ok"
	ResultDropped          = "Dropped"
	ResultProcessingFailed = "ProcessingFailed"
)

// ProcessingFailed is the error output type of records the transformation failed.
const ProcessingFailed = "processing-failed"

// errorRecord is the JSON document Firehose writes under the error prefix per record that failed processing.
// https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-failure-handling.html
type errorRecord struct {
	AttemptsMade           int    `json:"attemptsMade"`
	ArrivalTimestamp       int64  `json:"arrivalTimestamp"`
	ErrorCode              string `json:"errorCode"`
	ErrorMessage           string `json:"errorMessage"`
	AttemptEndingTimestamp int64  `json:"attemptEndingTimestamp"`
	RawData                []byte `json:"rawData"` // encoding/json writes base64
	LambdaArn              string `json:"lambdaArn"`
}

// processingFailedCode and processingFailedMessage are the stand-in's error code and message for a record the
// function answered ProcessingFailed; the page documents the fields, not their values.
const (
	processingFailedCode    = "Lambda.ProcessingFailedStatus"
	processingFailedMessage = "ProcessingFailed status set for record"
)

// partition is one prefix's batch, as Firehose buffers each active partition separately. Error records and
// backups are never converted (raw).
type partition struct {
	data   bytes.Buffer
	oldest time.Time
	raw    bool
}

// Deliver copies the stream's records to S3 until ctx ends, then flushes what it holds. It reads every shard
// from the start of the stream.
func Deliver(ctx context.Context, k *kinesis.Client, s3c *s3.Client, o Options) error {
	var query *gojq.Code
	if o.PartitionQuery != "" {
		parsed, err := gojq.Parse(o.PartitionQuery)
		if err != nil {
			return fmt.Errorf("partition query %q: %w", o.PartitionQuery, err)
		}
		if query, err = gojq.Compile(parsed); err != nil {
			return fmt.Errorf("partition query %q: %w", o.PartitionQuery, err)
		}
	}
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
	partitions := map[string]*partition{}
	flush := func(ctx context.Context, prefix string) error {
		p := partitions[prefix]
		if p == nil || p.data.Len() == 0 {
			return nil
		}
		body, ext, err := batch(p.data.Bytes(), o.Parquet && !p.raw)
		if err != nil {
			return err
		}
		key := prefix + objectName(o.DeliveryStream, 1, time.Now(), newID(), ext)
		if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			return fmt.Errorf("put %s: %w", key, err)
		}
		delete(partitions, prefix)
		return nil
	}
	flushOld := func(ctx context.Context, all bool) error {
		for prefix, p := range partitions {
			if all || time.Since(p.oldest) >= o.BufferInterval {
				if err := flush(ctx, prefix); err != nil {
					return err
				}
			}
		}
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
				for _, u := range users {
					now := time.Now()
					add := func(prefix string, data []byte, raw bool) error {
						p := partitions[prefix]
						if p == nil {
							p = &partition{oldest: now, raw: raw}
							partitions[prefix] = p
						}
						// Firehose concatenates record data as it is; the producer's records end in a newline.
						p.data.Write(data)
						if p.data.Len() >= o.BufferBytes {
							return flush(ctx, prefix)
						}
						return nil
					}
					if o.BackupPrefix != "" {
						prefix, err := RenderPrefix(o.BackupPrefix, now, nil)
						if err != nil {
							return err
						}
						if err := add(prefix, u.Data, true); err != nil {
							return err
						}
					}
					data := u.Data
					if o.Transform != nil {
						out, result := o.Transform(u.Data)
						switch result {
						case ResultOk:
							data = out
						case ResultDropped:
							continue
						default: // ProcessingFailed, and any result outside the contract
							prefix, line, err := failedRecord(o, u.Data, now, aws.ToTime(r.ApproximateArrivalTimestamp))
							if err != nil {
								return err
							}
							if err := add(prefix, line, true); err != nil {
								return err
							}
							continue
						}
					}
					keys, err := partitionKeys(query, data)
					if err != nil {
						return err
					}
					prefix, err := RenderPrefix(o.Prefix, now, keys)
					if err != nil {
						return err
					}
					if err := add(prefix, data, false); err != nil {
						return err
					}
				}
				got++
			}
		}
		if err := flushOld(ctx, false); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return flushOld(context.WithoutCancel(ctx), true)
		}
		if got == 0 {
			select {
			case <-time.After(o.Poll):
			case <-ctx.Done():
			}
		}
	}
}

// failedRecord is the error prefix and the JSON line Firehose writes for a record that failed processing.
func failedRecord(o Options, data []byte, now, arrived time.Time) (string, []byte, error) {
	if o.ErrorPrefix == "" {
		return "", nil, fmt.Errorf("a record failed processing and the stand-in has no ErrorPrefix")
	}
	prefix, err := RenderErrorPrefix(o.ErrorPrefix, now, ProcessingFailed)
	if err != nil {
		return "", nil, err
	}
	line, err := json.Marshal(errorRecord{
		AttemptsMade: 1, ArrivalTimestamp: arrived.UnixMilli(), ErrorCode: processingFailedCode, ErrorMessage: processingFailedMessage,
		AttemptEndingTimestamp: now.UnixMilli(), RawData: data, LambdaArn: o.LambdaArn,
	})
	if err != nil {
		return "", nil, fmt.Errorf("error record: %w", err)
	}
	return prefix, append(line, '\n'), nil
}

// batch turns a partition's concatenated records into an object: GZIP, or Parquet converted from the JSON records.
func batch(records []byte, parquet bool) ([]byte, string, error) {
	var out bytes.Buffer
	if !parquet {
		w := gzip.NewWriter(&out)
		_, _ = w.Write(records)
		_ = w.Close()
		return out.Bytes(), ".gz", nil
	}
	dec := json.NewDecoder(bytes.NewReader(records))
	var events []event.Event
	for dec.More() {
		var e event.Event
		if err := dec.Decode(&e); err != nil {
			// Firehose would write such a record under the error prefix as format-conversion-failed.
			return nil, "", fmt.Errorf("format conversion: record is not JSON: %w", err)
		}
		events = append(events, e)
	}
	if err := eventparquet.Write(&out, events); err != nil {
		return nil, "", fmt.Errorf("format conversion: %w", err)
	}
	return out.Bytes(), ".parquet", nil
}

// partitionKeys runs the dynamic-partitioning query on one record's JSON; its result object's fields are the keys.
func partitionKeys(query *gojq.Code, data []byte) (map[string]string, error) {
	if query == nil {
		return nil, nil
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("dynamic partitioning needs JSON records: %w", err)
	}
	v, ok := query.Run(doc).Next()
	if !ok {
		return nil, fmt.Errorf("partition query returned nothing for %s", data)
	}
	if err, isErr := v.(error); isErr {
		return nil, fmt.Errorf("partition query: %w", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("partition query returned %T, want an object", v)
	}
	keys := map[string]string{}
	for k, val := range obj {
		s, ok := val.(string)
		if !ok {
			return nil, fmt.Errorf("partition key %s is %T, want a string", k, val)
		}
		keys[k] = s
	}
	return keys, nil
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
