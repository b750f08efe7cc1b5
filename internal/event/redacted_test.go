package event

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestRedactedEventsPassOnlyTheDeliveredCheck: an event without its user passes CheckDelivered but not Check, an
// unknown user fails both, and the redacted encoding is encoding/json's without metadata.user.
func TestRedactedEventsPassOnlyTheDeliveredCheck(t *testing.T) {
	good := catalogEvents()[0]
	good.Metadata.EventID = good.ID()
	redacted := good
	redacted.Metadata.User = ""
	if CheckDelivered(&redacted) != nil || Check(&redacted) == nil {
		t.Fatalf("redacted: CheckDelivered %v, Check %v", CheckDelivered(&redacted), Check(&redacted))
	}
	unknown := good
	unknown.Metadata.User = "user-9"
	if CheckDelivered(&unknown) == nil {
		t.Fatal("unknown user accepted by CheckDelivered")
	}
	redacted.Metadata.Resource = "ec2"
	if CheckDelivered(&redacted) == nil {
		t.Fatal("a redacted event is still checked: bad resource accepted")
	}

	line := AppendRedactedNDJSON([]byte("prefix"), &good)
	var m map[string]any
	if err := json.Unmarshal(bytes.TrimPrefix(line, []byte("prefix")), &m); err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	want := map[string]any{}
	full, _ := json.Marshal(&good)
	_ = json.Unmarshal(full, &want)
	delete(want["metadata"].(map[string]any), "user")
	a, _ := json.Marshal(m)
	b, _ := json.Marshal(want)
	if !bytes.Equal(a, b) || !bytes.HasPrefix(line, []byte("prefix{")) {
		t.Fatalf("redacted line %s, want %s", line, b)
	}
}
