package config

import (
	"strings"
	"testing"
)

// TestLifecycleValues: bad retention and archive days fail naming the key, the value and what is allowed; good
// pairs pass.
func TestLifecycleValues(t *testing.T) {
	for _, tc := range []struct {
		ctx  map[string]any
		want string // a part of the one message; "" for valid
	}{
		{map[string]any{"dataRetentionDays": "30"}, ""},
		{map[string]any{"archiveAfterDays": "30"}, ""},
		{map[string]any{"dataRetentionDays": "60", "archiveAfterDays": "30"}, ""},
		{map[string]any{"dataRetentionDays": -1.0}, `dataRetentionDays="-1": must be a whole number from 0 to 3653`},
		{map[string]any{"dataRetentionDays": "-1"}, `dataRetentionDays="-1": must be a whole number from 0 to 3653 in plain decimal digits`},
		{map[string]any{"archiveAfterDays": "29"}, `archiveAfterDays="29": must be 0 (never) or at least 30: S3 moves objects to S3 Standard-IA no sooner than 30 days`},
		{map[string]any{"archiveAfterDays": "1"}, `archiveAfterDays="1": must be 0 (never) or at least 30`},
		{map[string]any{"dataRetentionDays": "30", "archiveAfterDays": "30"}, `archiveAfterDays="30": must be less than dataRetentionDays=30`},
		{map[string]any{"dataRetentionDays": "40", "archiveAfterDays": "90"}, `archiveAfterDays="90": must be less than dataRetentionDays=40`},
		{map[string]any{"dataRetentionDays": "30", "bucketName": "my-lab-bucket"}, `dataRetentionDays="30": bucketName=my-lab-bucket is a bucket the stack does not own`},
		{map[string]any{"archiveAfterDays": "30", "bucketName": "my-lab-bucket"}, `archiveAfterDays="30": bucketName=my-lab-bucket is a bucket the stack does not own`},
		{map[string]any{"dataRetentionDays": "7", "prefix": "!{timestamp:yyyy}/", "query": false}, `dataRetentionDays="7": needs a prefix that starts with literal text`},
	} {
		got := lines(t, tc.ctx)
		switch {
		case tc.want == "" && got != nil:
			t.Errorf("%v: want valid, got %q", tc.ctx, got)
		case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)):
			t.Errorf("%v: want one line with %q, got %q", tc.ctx, tc.want, got)
		}
	}
}

// TestErrorsOutliveShortRetention: failed records are kept at least MinErrorRetentionDays once data expires, and
// as long as the data when that is longer; with the data kept, so are they.
func TestErrorsOutliveShortRetention(t *testing.T) {
	for days, want := range map[int]int{0: 0, 1: MinErrorRetentionDays, 30: 30, 365: 365} {
		c := Default()
		c.DataRetentionDays = days
		if got := c.ErrorRetentionDays(); got != want {
			t.Errorf("dataRetentionDays=%d: errors expire after %d days, want %d", days, got, want)
		}
	}
}
