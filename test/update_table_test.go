package test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/gendoc"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/labcheck/updates"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// TestUpdateTableIsCurrent generates docs/configuration.md's table of what changing each key on a deployed lab
// does: for every key and each of its config.UpdateExamples, the default and the changed configuration are
// synthesized and labcheck's update analysis runs in both directions. A key without examples fails
// stacks/config's TestEveryKeyHasUpdateExamples, so no key lands without its row.
func TestUpdateTableIsCurrent(t *testing.T) {
	parts := gendoc.NewParts(t, "| key | value | deploying it over the defaults | deploying the defaults over it again |\n| --- | --- | --- | --- |\n")
	for _, s := range config.Settings {
		for _, v := range config.UpdateExamples[s.Key] {
			parts.Run(s.Key+"="+v, func(t *testing.T) string {
				changed := map[string]string{s.Key: v}
				for k, cv := range config.UpdateExampleCompanions[s.Key] {
					changed[k] = cv
				}
				there, back := updateFindingsOf(t, labDefaults, changed), updateFindingsOf(t, changed, labDefaults)
				// The stack pins every destination setting it switches: a FAILS because Firehose keeps a dropped
				// property means a setting left to omission (KEEPS of details under a switched-off object is fine).
				for _, f := range append(there, back...) {
					if f.Type == "AWS::KinesisFirehose::DeliveryStream" && f.Word == updates.Fails && strings.Contains(f.Reason, "Firehose keeps") {
						t.Errorf("%s=%s: %s", s.Key, v, f)
					}
				}
				value := v
				for _, k := range slices.Sorted(maps.Keys(config.UpdateExampleCompanions[s.Key])) {
					value += "` with `" + k + "=" + config.UpdateExampleCompanions[s.Key][k]
				}
				return "| `" + s.Key + "` | `" + value + "` | " + cell(there) + " | " + cell(back) + " |\n"
			})
		}
	}
	generatedParts(t, parts, "configuration.md", "TestUpdateTableIsCurrent")
}

// updateFindingsOf is updateFindings with the findings themselves.
func updateFindingsOf(t *testing.T, base, head map[string]string) []updates.Finding {
	t.Helper()
	found, err := updates.CompareAssemblies(synth(t, base).outdir, synth(t, head).outdir, loadSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// cell renders findings for a table cell: "in place" when there are none.
func cell(found []updates.Finding) string {
	if len(found) == 0 {
		return "in place"
	}
	briefs := make([]string, len(found))
	for i, f := range found {
		briefs[i] = strings.ReplaceAll(f.Brief(), "|", "\\|")
	}
	return strings.Join(briefs, "<br>")
}
