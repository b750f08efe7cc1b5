package config

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// Capacity modes of the stream the stack creates (streamMode).
const (
	StreamModeProvisioned = "provisioned" // shardCount shards, billed per shard-hour
	StreamModeOnDemand    = "on-demand"   // Kinesis manages the shards, billed per stream-hour and GB
)

// StreamModes lists the allowed values of streamMode.
var StreamModes = []string{StreamModeProvisioned, StreamModeOnDemand}

// streamArnRe is a Kinesis data stream ARN: partition, region, account and the stream name Kinesis allows
// (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_StreamDescriptionSummary.html: StreamARN pattern
// arn:aws.*:kinesis:.*:\d{12}:stream/\S+, StreamName 1-128 of [a-zA-Z0-9_.-]).
var streamArnRe = regexp.MustCompile(`^arn:aws[-a-z]*:kinesis:([a-z]{2}(-[a-z]+)+-[0-9]):([0-9]{12}):stream/([a-zA-Z0-9_.-]{1,` + strconv.Itoa(maxStreamNameLen) + `})$`)

const streamArnAllowed = "a Kinesis data stream ARN, arn:aws[-a-z]*:kinesis:<region>:<account>:stream/<name>, e.g. arn:aws:kinesis:us-east-1:111122223333:stream/team-telemetry"

var streamArnRule = text{allowed: streamArnAllowed, problem: func(c Config) string {
	if c.StreamArn != "" && !streamArnRe.MatchString(c.StreamArn) {
		return "must be " + streamArnAllowed
	}
	return ""
}}

// StreamArnParts are what an existing stream's ARN names.
type StreamArnParts struct {
	Region, Account, Name string
}

// ExistingStream returns the parts of StreamArn; false when the stack creates its stream.
func (c Config) ExistingStream() (StreamArnParts, bool) {
	m := streamArnRe.FindStringSubmatch(c.StreamArn)
	if m == nil {
		return StreamArnParts{}, false
	}
	return StreamArnParts{Region: m[1], Account: m[3], Name: m[4]}, true
}

// onDemandRate bounds producerRate by a new on-demand stream's write capacity: the producer paces per open shard,
// and Kinesis grows the stream only past traffic it has seen.
func onDemandRate(c Config) (int, string) {
	if c.StreamMode != StreamModeOnDemand || c.StreamArn != "" {
		return 0, ""
	}
	return lab.OnDemandRecordsPerSecond, fmt.Sprintf("streamMode=%s: a new on-demand stream takes %d records/s until Kinesis scales it to twice a previous peak", StreamModeOnDemand, lab.OnDemandRecordsPerSecond)
}

var onDemandRateDoc = fmt.Sprintf("; 1-%d with `streamMode=%s`", lab.OnDemandRecordsPerSecond, StreamModeOnDemand)

// streamRules are the rules between the stream's keys: a referenced stream is not the stack's to shape, and an
// on-demand stream has no shard count.
func (c Config) streamRules(p *problems) {
	def := Default()
	if c.StreamArn != "" {
		for _, k := range []struct {
			key         string
			value, dflt any
		}{
			{"shardCount", c.ShardCount, def.ShardCount},
			{"retentionHours", c.RetentionHours, def.RetentionHours},
			{"streamName", c.StreamName, def.StreamName},
			{"streamMode", c.StreamMode, def.StreamMode},
		} {
			if k.value != k.dflt {
				p.invalid(k.key, k.value, fmt.Sprintf("streamArn=%s references an existing stream, which the stack never creates, changes or deletes; leave %s unset (default %v) or leave streamArn empty", c.StreamArn, k.key, k.dflt))
			}
		}
		return
	}
	if c.StreamMode == StreamModeOnDemand && c.ShardCount != def.ShardCount {
		p.invalid("shardCount", c.ShardCount, fmt.Sprintf("streamMode=%s lets Kinesis manage the shards (the stream has no ShardCount); leave shardCount unset (default %d) or set streamMode=%s", StreamModeOnDemand, def.ShardCount, StreamModeProvisioned))
	}
}
