package config

import (
	"strings"
	"testing"
)

// TestBackupNeedsATransformationOrConversion: Firehose backs up source records only with a Lambda transformation
// or format conversion, so backup=true alone is refused naming the key, and either feature admits it.
func TestBackupNeedsATransformationOrConversion(t *testing.T) {
	_, err := FromContext(map[string]any{"backup": "true"})
	if err == nil || !strings.Contains(err.Error(), `backup="true"`) || !strings.Contains(err.Error(), "transform=redact or format=parquet") {
		t.Fatalf("backup=true alone: %v, want a refusal naming backup and what it needs", err)
	}
	for _, ctx := range []map[string]any{
		{"backup": "true", "transform": TransformRedact},
		{"backup": "true", "format": FormatParquet},
		{"backup": "true", "transform": TransformRedact, "format": FormatParquet, "partitioning": PartitioningTenant},
	} {
		c, err := FromContext(ctx)
		if err != nil || !c.Backup {
			t.Errorf("%v: %v", ctx, err)
		}
	}
}

// TestTransformValues: transform takes none or redact; anything else fails naming the allowed values.
func TestTransformValues(t *testing.T) {
	if c, err := FromContext(map[string]any{"transform": "redact"}); err != nil || !c.Transforming() {
		t.Fatalf("transform=redact: %+v, %v", c, err)
	}
	if c, _ := FromContext(nil); c.Transforming() {
		t.Fatal("the default transforms")
	}
	_, err := FromContext(map[string]any{"transform": "hash"})
	if err == nil || !strings.Contains(err.Error(), `transform="hash"`) || !strings.Contains(err.Error(), "none") || !strings.Contains(err.Error(), "redact") {
		t.Fatalf("transform=hash: %v", err)
	}
}

// TestBackupPrefixMustNotOverlap: with backup the source records go under BackupPrefix, which neither the data
// nor the error prefix may share.
func TestBackupPrefixMustNotOverlap(t *testing.T) {
	for _, ctx := range []map[string]any{
		{"backup": "true", "transform": "redact", "prefix": "backup/data/"},
		{"backup": "true", "transform": "redact", "errorPrefix": "backup/errors/!{firehose:error-output-type}/"},
		{"backup": "true", "transform": "redact", "prefix": "!{timestamp:yyyy}/", "query": "false"},
	} {
		if _, err := FromContext(ctx); err == nil || !strings.Contains(err.Error(), "must not overlap") {
			t.Errorf("%v: %v, want the overlap refused", ctx, err)
		}
	}
	if _, err := FromContext(map[string]any{"transform": "redact", "prefix": "backup/data/"}); err != nil {
		t.Errorf("without backup the prefix is free: %v", err)
	}
}
