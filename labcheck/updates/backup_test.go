package updates

import (
	"strings"
	"testing"
)

// TestSourceRecordBackupCannotBeSwitchedOff: Firehose enables source record backup in place but never disables
// it, so Enabled -> Disabled (or left out) FAILS citing the page, and Disabled -> Enabled deploys.
func TestSourceRecordBackupCannotBeSwitchedOff(t *testing.T) {
	check := refusalFor(t, "ExtendedS3DestinationConfiguration/S3BackupMode").check
	for _, tc := range []struct {
		before, after any
		fails         bool
	}{
		{"Enabled", "Disabled", true}, {"Enabled", nil, true}, {"Disabled", "Enabled", false}, {nil, "Enabled", false},
		{"Enabled", "Enabled", false}, {"Disabled", nil, false},
	} {
		v := check(tc.before, tc.after)
		if (v != nil && v.word == Fails && strings.Contains(v.reason, "data-transformation-source-record-backup.html")) != tc.fails {
			t.Errorf("%v -> %v: %+v, want FAILS %v", tc.before, tc.after, v, tc.fails)
		}
	}
}

// TestABackupConfigurationBesideDisabledIsOnlyKept: the backup configuration a template leaves out beside
// S3BackupMode Disabled is unused, so KEEPS, not a FAILS of a kept setting.
func TestABackupConfigurationBesideDisabledIsOnlyKept(t *testing.T) {
	on := `{"Prefix":"stream/","S3BackupMode":"Enabled","S3BackupConfiguration":{"Prefix":"backup/","BucketARN":"arn:aws:s3:::b"}}`
	found := Compare("Lab", stream(t, on), stream(t, `{"Prefix":"stream/","S3BackupMode":"Disabled"}`), nil)
	if len(found) != 1 || found[0].Word != Keeps || !strings.HasSuffix(found[0].Property, "S3BackupConfiguration") {
		t.Errorf("got:\n%s", lines(found))
	}
	found = Compare("Lab", stream(t, on), stream(t, `{"Prefix":"stream/"}`), nil)
	if len(found) == 0 || found[0].Word != Fails {
		t.Errorf("left out without Disabled, the configuration is kept in use: want FAILS, got:\n%s", lines(found))
	}
}

// refusalFor returns the refusal row of a delivery stream property.
func refusalFor(t *testing.T, path string) refusal {
	t.Helper()
	for _, r := range refusals {
		if r.typ == deliveryStreamType && r.path == path {
			return r
		}
	}
	t.Fatalf("no refusal for %s", path)
	return refusal{}
}
