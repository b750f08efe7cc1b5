package cost

import (
	"math"
	"testing"
)

// TestHeldGrowsToTheSteadyState: a store that keeps everything holds half of month 1's writes in month 1 and
// m-1/2 months' in month m; one that expires at age E holds E hours of writes once the oldest are E old; a
// Standard-IA store from age A holds nothing until A.
func TestHeldGrowsToTheSteadyState(t *testing.T) {
	h := Month.Hours()
	for _, tc := range []struct {
		name     string
		m        int
		from, to float64
		want     float64
	}{
		{"kept, month 1", 1, 0, forever, h / 2},
		{"kept, month 12", 12, 0, forever, 11.5 * h},
		{"7 days, month 1", 1, 0, 168, 168 - 168*168/2/h},
		{"7 days, month 2", 2, 0, 168, 168},
		{"archive from 30 days, month 1", 1, 720, forever, (h - 720) * (h - 720) / 2 / h},
		{"archive from 30 days, month 3", 3, 720, forever, 2.5*h - 720},
		{"nothing older than its expiry", 5, 24, 24, 0},
	} {
		if got := held(tc.m, tc.from, tc.to); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s: %.6f hours of writes, want %.6f", tc.name, got, tc.want)
		}
	}
	// Writes reach age 720 h only from hour 720: in month 1 those of its first 10 hours.
	if got := reaching(1, 720); math.Abs(got-(h-720)) > 1e-9 {
		t.Errorf("reaching 720 h in month 1: %g hours of writes", got)
	}
	if got := reaching(5, 720); got != h {
		t.Errorf("reaching 720 h in month 5: %g hours of writes, want a whole month", got)
	}
}
