package redact

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
)

// generated returns n events as the producer writes them, one NDJSON record each.
func generated(t *testing.T, n int) [][]byte {
	t.Helper()
	g, err := telemetry.NewGenerator(telemetry.Options{RunID: "redact"})
	if err != nil {
		t.Fatal(err)
	}
	records := make([][]byte, n)
	for i := range records {
		var e event.Event
		g.Next(&e)
		records[i] = event.AppendNDJSON(nil, &e)
	}
	return records
}

// TestRecordDropsTheUserAndKeepsTheRest: an Ok record is the same event without metadata.user, one NDJSON line,
// which the delivered-event check accepts.
func TestRecordDropsTheUserAndKeepsTheRest(t *testing.T) {
	for _, in := range generated(t, 200) {
		out, result, why := Record(in)
		if result != events.KinesisFirehoseTransformedStateOk || why != nil {
			t.Fatalf("%s: %s %v", in, result, why)
		}
		var before, after map[string]any
		if err := json.Unmarshal(in, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(out, &after); err != nil {
			t.Fatalf("output %s: %v", out, err)
		}
		if _, ok := after["metadata"].(map[string]any)["user"]; ok || bytes.Contains(out, []byte(`"user"`)) {
			t.Fatalf("user survived: %s", out)
		}
		delete(before["metadata"].(map[string]any), "user")
		b, _ := json.Marshal(before)
		a, _ := json.Marshal(after)
		if !bytes.Equal(a, b) {
			t.Fatalf("more than the user changed:\n in %s\nout %s", in, out)
		}
		if !bytes.HasSuffix(out, []byte("}\n")) || bytes.Count(out, []byte("\n")) != 1 {
			t.Fatalf("not one NDJSON line: %q", out)
		}
		var e event.Event
		if err := json.Unmarshal(out, &e); err != nil || event.CheckDelivered(&e) != nil {
			t.Fatalf("delivered event fails the check: %v %v", err, event.CheckDelivered(&e))
		}
	}
}

// TestRecordFailsWhatDoesNotMatchTheSchema: not JSON, two values, an unknown field, or a value outside the
// catalog come back ProcessingFailed with their data untouched.
func TestRecordFailsWhatDoesNotMatchTheSchema(t *testing.T) {
	good := strings.TrimSuffix(string(generated(t, 1)[0]), "\n")
	for name, in := range map[string]string{
		"not JSON":      "tenant=t-001 value=3",
		"truncated":     good[:len(good)/2],
		"two values":    good + good,
		"unknown field": strings.Replace(good, `{"type"`, `{"extra":1,"type"`, 1),
		"unknown user":  strings.Replace(good, `"user":"`, `"user":"mallory-`, 1),
		"empty":         "",
	} {
		out, result, why := Record([]byte(in))
		if result != events.KinesisFirehoseTransformedStateProcessingFailed || why == nil || string(out) != in {
			t.Errorf("%s: %s (%v), data %q", name, result, why, out)
		}
	}
}

// TestHandleAnswersEveryRecordByID: the response has each record's recordId in order, Ok or ProcessingFailed.
func TestHandleAnswersEveryRecordByID(t *testing.T) {
	recs := generated(t, 3)
	batch := events.KinesisFirehoseEvent{InvocationID: "inv", Records: []events.KinesisFirehoseEventRecord{
		{RecordID: "r0", Data: recs[0]}, {RecordID: "r1", Data: []byte("{not json")}, {RecordID: "r2", Data: recs[2]},
	}}
	resp, err := Handle(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Ok", "ProcessingFailed", "Ok"}
	if len(resp.Records) != 3 {
		t.Fatalf("%d records", len(resp.Records))
	}
	for i, r := range resp.Records {
		if r.RecordID != batch.Records[i].RecordID || r.Result != want[i] {
			t.Errorf("record %d: %s %s, want %s %s", i, r.RecordID, r.Result, batch.Records[i].RecordID, want[i])
		}
	}
	// The wire form is Firehose's: base64 data.
	wire, _ := json.Marshal(resp.Records[1])
	if !strings.Contains(string(wire), `"data":"e25vdCBqc29u"`) {
		t.Errorf("wire form %s", wire)
	}
}
