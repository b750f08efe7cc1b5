package config

import (
	"strings"
	"testing"
)

const teamStream = "arn:aws:kinesis:us-east-1:111122223333:stream/team-telemetry"

func TestStreamArnReferencesAnExistingStream(t *testing.T) {
	c, err := FromContext(map[string]any{"streamArn": teamStream, "namePrefix": "alice"})
	if err != nil {
		t.Fatal(err)
	}
	s, ok := c.ExistingStream()
	if !ok || s != (StreamArnParts{Region: "us-east-1", Account: "111122223333", Name: "team-telemetry"}) {
		t.Fatalf("ExistingStream = %+v, %v", s, ok)
	}
	// The referenced stream keeps its own name: namePrefix names only what the stack creates.
	if got := c.KinesisStreamName(); got != "team-telemetry" {
		t.Errorf("KinesisStreamName = %q, want the ARN's name", got)
	}
	if _, ok := Default().ExistingStream(); ok {
		t.Error("the default configuration must create its stream")
	}
	for _, arn := range []string{"arn:aws-us-gov:kinesis:us-gov-west-1:111122223333:stream/a.b_c-d", "arn:aws-cn:kinesis:cn-north-1:111122223333:stream/x"} {
		if _, err := FromContext(map[string]any{"streamArn": arn}); err != nil {
			t.Errorf("%s: %v", arn, err)
		}
	}
}

func TestStreamArnRejectsBadValuesAndStreamKeys(t *testing.T) {
	for _, bad := range []string{
		"team-telemetry",
		"arn:aws:kinesis:us-east-1:111122223333:team-telemetry",
		"arn:aws:kinesis:us-east-1:1111:stream/team-telemetry",
		"arn:aws:firehose:us-east-1:111122223333:deliverystream/team-telemetry",
		"arn:aws:kinesis:us-east-1:111122223333:stream/team telemetry",
		"arn:aws:kinesis::111122223333:stream/team-telemetry",
		"arn:aws:kinesis:us-east-1:111122223333:stream/" + strings.Repeat("a", 129),
	} {
		_, err := FromContext(map[string]any{"streamArn": bad})
		if err == nil || !strings.Contains(err.Error(), `streamArn="`+bad+`"`) || !strings.Contains(err.Error(), "arn:aws[-a-z]*:kinesis:<region>:<account>:stream/<name>") {
			t.Errorf("streamArn=%s: %v", bad, err)
		}
	}
	for key, value := range map[string]any{"shardCount": "2", "retentionHours": "48", "streamName": "other", "streamMode": "on-demand"} {
		_, err := FromContext(map[string]any{"streamArn": teamStream, key: value})
		want := "invalid context value " + key + "=\"" + value.(string) + "\": streamArn=" + teamStream + " references an existing stream"
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "leave "+key+" unset") {
			t.Errorf("%s=%v with streamArn: %v", key, value, err)
		}
	}
	// The keys at their defaults are fine: they describe nothing the stack would create.
	if _, err := FromContext(map[string]any{"streamArn": teamStream, "shardCount": "1", "streamMode": "provisioned"}); err != nil {
		t.Error(err)
	}
}

func TestStreamModeOnDemand(t *testing.T) {
	c, err := FromContext(map[string]any{"streamMode": "on-demand", "producerRate": "4000"})
	if err != nil || c.StreamMode != StreamModeOnDemand {
		t.Fatalf("%+v %v", c, err)
	}
	_, err = FromContext(map[string]any{"streamMode": "on-demand", "shardCount": "2"})
	if err == nil || !strings.Contains(err.Error(), `shardCount="2": streamMode=on-demand lets Kinesis manage the shards`) {
		t.Errorf("shardCount with on-demand: %v", err)
	}
	_, err = FromContext(map[string]any{"streamMode": "on-demand", "producerRate": "4001"})
	if err == nil || !strings.Contains(err.Error(), `producerRate="4001": must be a whole number from 1 to 4000 (streamMode=on-demand`) {
		t.Errorf("producerRate above on-demand's capacity: %v", err)
	}
	// Provisioned keeps the per-shard limit.
	if _, err := FromContext(map[string]any{"producerRate": "1001"}); err == nil || !strings.Contains(err.Error(), "1000 x shardCount=1") {
		t.Errorf("producerRate per shard: %v", err)
	}
	_, err = FromContext(map[string]any{"streamMode": "ondemand"})
	if err == nil || !strings.Contains(err.Error(), `streamMode="ondemand": must be one of provisioned, on-demand`) {
		t.Errorf("bad streamMode: %v", err)
	}
}
