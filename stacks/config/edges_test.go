package config

import (
	"strings"
	"testing"
)

// Each test here is an edge a new user hit: a message that misled or a mistake that passed in silence.

// lines returns the messages of FromContext(ctx), one a line.
func lines(t *testing.T, ctx map[string]any) []string {
	t.Helper()
	_, err := FromContext(ctx)
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

// TestBadNamePrefixIsReportedOnce: the stream names were never set, so they must not fail for the prefix's sake;
// a name that is bad by itself still is.
func TestBadNamePrefixIsReportedOnce(t *testing.T) {
	for _, prefix := range []string{"alice smith", "alice/x", strings.Repeat("a", 60)} {
		got := lines(t, map[string]any{"namePrefix": prefix})
		if len(got) != 1 || !strings.HasPrefix(got[0], "invalid context value namePrefix=") {
			t.Errorf("namePrefix=%q: want one line about namePrefix, got %q", prefix, got)
		}
	}
	got := lines(t, map[string]any{"namePrefix": "alice smith", "streamName": "tenant metrics"})
	if len(got) != 2 || !strings.Contains(got[1], `streamName="tenant metrics"`) {
		t.Errorf("a stream name bad by itself: %q", got)
	}
}

// TestNearMissKeysGetASuggestion: a dropped unit or a typo is suggested by distance, not only by case.
func TestNearMissKeysGetASuggestion(t *testing.T) {
	for key, want := range map[string]string{
		"bufferInterval": `(did you mean "bufferIntervalSeconds"?)`,
		"bufferSize":     `(did you mean "bufferSizeMiB"?)`,
		"buffer_size":    `(did you mean "bufferSizeMiB"?)`,
		"shardCont":      `(did you mean "shardCount"?)`,
		"retentionHour":  `(did you mean "retentionHours"?)`,
		"buffer":         `(did you mean "bufferSizeMiB" or "bufferIntervalSeconds"?)`,
		"shardcount":     `(did you mean "shardCount"?)`,
	} {
		got := lines(t, map[string]any{key: "1"})
		if len(got) != 1 || !strings.Contains(got[0], "unknown context key "+key+`="1" `+want) {
			t.Errorf("%s: want %s, got %q", key, want, got)
		}
	}
	// Far from every key: reported as unknown, without a guess.
	if got := lines(t, map[string]any{"colour": "1"}); len(got) != 1 || strings.Contains(got[0], "did you mean") {
		t.Errorf("colour: %q", got)
	}
	// The CDK's own keys are far from ours and pass.
	if got := lines(t, map[string]any{"@aws-cdk/core:target-partitions": []any{"aws"}, "cli-telemetry": false}); got != nil {
		t.Errorf("CDK keys refused: %q", got)
	}
}

// TestOneLinePerBadCompression: a compression Firehose knows but the query table cannot read, or one nobody
// knows, is one line that says what this configuration allows.
func TestOneLinePerBadCompression(t *testing.T) {
	for _, tc := range []struct {
		ctx  map[string]any
		want string
	}{
		{map[string]any{"compression": "snappy"}, `invalid context value compression="snappy": query=true needs GZIP or UNCOMPRESSED, which Athena reads as they are (ZIP, Snappy or HADOOP_SNAPPY only with query=false)`},
		{map[string]any{"compression": "Snappy"}, `invalid context value compression="Snappy": query=true needs GZIP or UNCOMPRESSED`},
		{map[string]any{"compression": "snappy", "query": "false"}, `invalid context value compression="snappy": must be one of UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY (did you mean "Snappy"?)`},
		{map[string]any{"compression": "lz4", "format": "parquet"}, `invalid context value compression="lz4": format=parquet needs compression=UNCOMPRESSED`},
	} {
		got := lines(t, tc.ctx)
		if len(got) != 1 || !strings.HasPrefix(got[0], tc.want) {
			t.Errorf("%v: want one line %q, got %q", tc.ctx, tc.want, got)
		}
	}
}

// TestKeysOfASwitchedOffFeatureAreRefused: a value set for a feature that is off would do nothing; its default
// (as cdk.json holds it) passes.
func TestKeysOfASwitchedOffFeatureAreRefused(t *testing.T) {
	for _, tc := range []struct {
		ctx            map[string]any
		key, value, on string
	}{
		{map[string]any{"producer": "false", "producerRate": "5000"}, "producerRate", "5000", "producer"},
		{map[string]any{"producer": false, "producerRate": 0.0}, "producerRate", "0", "producer"},
		{map[string]any{"producer": "false", "producerAggregate": "true"}, "producerAggregate", "true", "producer"},
		{map[string]any{"producer": "false", "producerReservedConcurrency": "1"}, "producerReservedConcurrency", "1", "producer"},
		{map[string]any{"monitoring": "false", "alarmEmail": "ops@example.com"}, "alarmEmail", "ops@example.com", "monitoring"},
		{map[string]any{"query": "false", "queryScanCutoffMiB": "2048"}, "queryScanCutoffMiB", "2048", "query"},
	} {
		got := lines(t, tc.ctx)
		want := "invalid context value " + tc.key + "=\"" + tc.value + "\": needs " + tc.on + "=true (" + tc.on + "=false: "
		if len(got) != 1 || !strings.HasPrefix(got[0], want) || !strings.Contains(got[0], "leave "+tc.key+" unset") {
			t.Errorf("%v: want one line starting %q, got %q", tc.ctx, want, got)
		}
	}
	def := Default()
	for _, ctx := range []map[string]any{
		{"producer": "false", "producerRate": 10.0, "producerAggregate": false, "producerReservedConcurrency": 0.0},
		{"monitoring": "false", "alarmEmail": ""},
		{"query": "false", "queryScanCutoffMiB": 1024.0},
	} {
		if _, err := FromContext(ctx); err != nil {
			t.Errorf("%v: defaults refused: %v", ctx, err)
		}
	}
	if def.ProducerRate != 10 || def.QueryScanCutoffMiB != 1024 {
		t.Fatal("the defaults above are stale")
	}
}

// TestIntegersArePlainDigits: -c shardCount=+2 or " 2" or 0x2 is refused naming key, value and what is allowed;
// JSON integers from cdk.json pass.
func TestIntegersArePlainDigits(t *testing.T) {
	for _, v := range []string{"+2", "-0", " 2", "2 ", "0x2", "1_0", "2e0", "２"} {
		got := lines(t, map[string]any{"shardCount": v})
		want := `invalid context value shardCount="` + v + `": must be a whole number from 1 to 50 in plain decimal digits`
		if len(got) != 1 || !strings.HasPrefix(got[0], want) {
			t.Errorf("shardCount=%q: want %q, got %q", v, want, got)
		}
	}
	for _, raw := range []any{"2", 2.0, "02"} {
		if c, err := FromContext(map[string]any{"shardCount": raw}); err != nil || c.ShardCount != 2 {
			t.Errorf("shardCount=%v: %d, %v", raw, c.ShardCount, err)
		}
	}
}
