package updates

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
)

// shortenedExpiry is LOSES DATA when the new lifecycle expires objects under a prefix sooner than the deployed one
// did, or at all where nothing expired: S3 applies a lifecycle rule to the objects already in the bucket, not
// only to new ones, and queues those past the new age for removal asynchronously, from when the configuration has
// propagated (minutes) (expirationPage).
func shortenedExpiry(before, after any) *verdict {
	was, is := expiries(before), expiries(after)
	var lost []string
	for _, prefix := range slices.Sorted(maps.Keys(is)) {
		if b, ok := was[prefix]; ok && b <= is[prefix] {
			continue
		}
		under := "objects under " + prefix
		if prefix == "" {
			under = "objects anywhere in the bucket"
		}
		lost = append(lost, fmt.Sprintf("%s older than %g days", under, is[prefix]))
	}
	if len(lost) == 0 {
		return nil
	}
	what := strings.Join(lost, "; ")
	return &verdict{LosesData, fmt.Sprintf("the new lifecycle deletes the %s: S3 applies an expiration rule to the objects already in the bucket, queues those past the age for removal and deletes them asynchronously, within days of the update (%s)", what, expirationPage),
		"", "the " + what}
}

// expiries maps the key prefix of each enabled lifecycle rule that expires objects after some days to the
// shortest such age ("" is the whole bucket). Rules with tag or size filters count as their prefix: they may
// delete any object under it.
func expiries(v any) map[string]float64 {
	out := map[string]float64{}
	for _, rule := range assembly.LifecycleRules(v) {
		if rule.Expiration == 0 || rule.Status == "Disabled" {
			continue
		}
		if d, seen := out[rule.Prefix]; !seen || rule.Expiration < d {
			out[rule.Prefix] = rule.Expiration
		}
	}
	return out
}
