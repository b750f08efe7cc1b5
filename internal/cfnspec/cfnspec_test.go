package cfnspec

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/slow"
)

// TestReadsTheCLIsSpecification checks facts the update analysis relies on against the installed specification.
func TestReadsTheCLIsSpecification(t *testing.T) {
	slow.Test(t, "reads the CDK CLI's 2.6 MB service specification")
	s, err := Installed(filepath.Join("..", ".."))
	if errors.Is(err, ErrMissing) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	firehose, ok := s.Lookup("AWS::KinesisFirehose::DeliveryStream")
	if !ok || firehose.Properties["DeliveryStreamName"].Replaces != ReplaceYes ||
		firehose.Properties["KinesisStreamSourceConfiguration"].Replaces != ReplaceYes ||
		firehose.Properties["ExtendedS3DestinationConfiguration"].Replaces != ReplaceNo {
		t.Errorf("Firehose: %+v", firehose)
	}
	table, _ := s.Lookup("AWS::Glue::Table")
	if table.Properties["TableInput"].Nested["Name"].Replaces != ReplaceYes || table.Properties["TableInput"].Nested["StorageDescriptor"].Replaces != ReplaceNo {
		t.Errorf("Glue table: nested TableInput/Name must replace, StorageDescriptor not")
	}
	for typ, stateful := range map[string]bool{"AWS::S3::Bucket": true, "AWS::Kinesis::Stream": true, "AWS::Logs::LogGroup": true, "AWS::IAM::Role": false} {
		if r, _ := s.Lookup(typ); r.Stateful != stateful {
			t.Errorf("%s stateful %v", typ, r.Stateful)
		}
	}
	if r, _ := s.Lookup("AWS::Glue::Database"); r.Taggable {
		t.Error("Glue databases take no tags")
	}
	if r, _ := s.Lookup("AWS::Kinesis::Stream"); !r.Taggable {
		t.Error("Kinesis streams take tags")
	}
	if _, ok := s.Lookup("Custom::S3AutoDeleteObjects"); ok {
		t.Error("a custom resource has no specification")
	}
}

// TestAMissingFileIsNamed: a path the user gave is reported as theirs; only the installed one points at npm ci.
func TestAMissingFileIsNamed(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nonexistent")
	_, err := Load(missing)
	if err == nil || errors.Is(err, ErrMissing) || !errors.Is(err, fs.ErrNotExist) ||
		!strings.Contains(err.Error(), missing+" does not exist") || strings.Contains(err.Error(), "npm") {
		t.Errorf("Load(%s): %v", missing, err)
	}
	_, err = Installed(t.TempDir())
	if !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "npm ci") {
		t.Errorf("Installed in an empty folder: %v", err)
	}
}
