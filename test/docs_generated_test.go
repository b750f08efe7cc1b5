package test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cfnspec"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/gendoc"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/slow"
)

// generatedSection replaces the part of a docs page between its BEGIN/END GENERATED markers with body (under
// -update) or fails when they differ: claims about the templates cannot drift from them.
func generatedSection(t *testing.T, page, marker, body string) {
	t.Helper()
	gendoc.Check(t, filepath.Join("..", "docs", page), "test/"+marker, body, *update, "go test ./test -run "+marker+" -update")
}

// generatedParts is generatedSection of a body whose parts subtests produce (gendoc.Parts): it compares or rewrites
// the section only when every subtest produced its part, and skips (fails under -update) when one skipped.
func generatedParts(t *testing.T, parts *gendoc.Parts, page, marker string) {
	t.Helper()
	parts.Check(filepath.Join("..", "docs", page), "test/"+marker, *update, "go test ./test -run "+marker+" -update")
}

// TestGoldenConfigurationsAreListed keeps the list of golden configurations in docs/workflows.md equal to the
// variants the tests synthesize.
func TestGoldenConfigurationsAreListed(t *testing.T) {
	var b strings.Builder
	b.WriteString("| configuration | context |\n| --- | --- |\n")
	for _, name := range goldenNames() {
		var ctx []string
		for k, v := range variants[name] {
			ctx = append(ctx, fmt.Sprintf("`%s=%s`", k, v))
		}
		slices.Sort(ctx)
		if len(ctx) == 0 {
			ctx = []string{"the defaults (cdk.json)"}
		}
		fmt.Fprintf(&b, "| `%s` | %s |\n", name, strings.Join(ctx, " "))
	}
	generatedSection(t, "workflows.md", "TestGoldenConfigurationsAreListed", b.String())
}

// TestTaggingTableIsCurrent lists which resource types of the golden templates carry the stack's tags:
// CloudFormation propagates stack tags only to types that take tags, per the CDK CLI's service specification.
func TestTaggingTableIsCurrent(t *testing.T) {
	spec := loadSpec(t)
	types := map[string]bool{}
	for _, name := range goldenNames() {
		for _, r := range goldenTemplate(t, name).Resources {
			types[r.Type] = true
		}
	}
	var tagged, untagged, custom []string
	for typ := range types {
		r, ok := spec.Lookup(typ)
		switch {
		case !ok:
			custom = append(custom, "`"+typ+"`")
		case r.Taggable:
			tagged = append(tagged, "`"+typ+"`")
		default:
			untagged = append(untagged, "`"+typ+"`")
		}
	}
	for _, l := range [][]string{tagged, untagged, custom} {
		slices.Sort(l)
	}
	body := "| | resource types |\n| --- | --- |\n" +
		"| tagged | " + strings.Join(tagged, ", ") + " |\n" +
		"| not taggable (no tags) | " + strings.Join(untagged, ", ") + " |\n" +
		"| custom resources (no tags) | " + strings.Join(custom, ", ") + " |\n"
	generatedSection(t, "deploying.md", "TestTaggingTableIsCurrent", body)
}

// loadSpec loads the CDK CLI's service specification (npm ci installs it): skips without it, fails under CI=true.
func loadSpec(t *testing.T) *cfnspec.Spec {
	t.Helper()
	slow.Test(t, "reads the CDK CLI's service specification")
	spec, err := cfnspec.Installed("..")
	if errors.Is(err, cfnspec.ErrMissing) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestEmptiedBucketsTableIsCurrent lists, per golden configuration, the buckets CDK's auto-delete resource empties on
// `cdk destroy` (and which ones the stack keeps or never owned), from the templates themselves.
func TestEmptiedBucketsTableIsCurrent(t *testing.T) {
	var b strings.Builder
	b.WriteString("| configuration | buckets the stack creates | emptied and deleted on destroy |\n| --- | --- | --- |\n")
	for _, name := range goldenNames() {
		tmpl := goldenTemplate(t, name)
		var created, emptied []string
		for id, r := range tmpl.Resources {
			switch r.Type {
			case "AWS::S3::Bucket":
				created = append(created, bucketName(id))
			case "Custom::S3AutoDeleteObjects":
				ref, _ := r.Properties["BucketName"].(map[string]any)["Ref"].(string)
				emptied = append(emptied, bucketName(ref))
			}
		}
		slices.Sort(created)
		slices.Sort(emptied)
		if len(emptied) == 0 {
			emptied = []string{"none (kept)"}
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name, strings.Join(created, ", "), strings.Join(emptied, ", "))
	}
	generatedSection(t, "deploying.md", "TestEmptiedBucketsTableIsCurrent", b.String())
}

// bucketName is a bucket's construct name: its logical id without CDK's hash suffix.
func bucketName(logicalID string) string {
	if len(logicalID) > 8 {
		return logicalID[:len(logicalID)-8]
	}
	return logicalID
}
