package cost

import (
	"strings"
	"testing"
	"time"
)

// sourceProblems says what a price lacks of its source: a pricing page on aws.amazon.com and the day it was read
// there (a date, not in the future), and a positive price for a positive number of units.
func sourceProblems(p Price, today time.Time) []string {
	var out []string
	if !strings.HasPrefix(p.Page, "https://aws.amazon.com/") || !strings.HasSuffix(p.Page, "/pricing/") {
		out = append(out, "no AWS pricing page")
	}
	if d, err := time.Parse(time.DateOnly, p.Read); err != nil || d.After(today) {
		out = append(out, "no day read")
	}
	if p.USD <= 0 || p.Per <= 0 || p.Unit == "" {
		out = append(out, "no price")
	}
	return out
}

// TestEveryPriceHasASource: every registered price names its page and the day it was read, and its unit is its
// own (items and the free tier find prices by value).
func TestEveryPriceHasASource(t *testing.T) {
	today := time.Now()
	units := map[string]bool{}
	for _, p := range All() {
		if problems := sourceProblems(p, today); len(problems) > 0 {
			t.Errorf("%s ($%g): %s", p.Unit, p.USD, strings.Join(problems, ", "))
		}
		if units[p.Unit] {
			t.Errorf("two prices for %q", p.Unit)
		}
		units[p.Unit] = true
	}
	if len(All()) < 28 {
		t.Errorf("%d prices registered: a price declared without price() escapes this test", len(All()))
	}
	for _, bad := range []Price{{USD: 1, Per: 1, Unit: "x", Read: firstRead}, {USD: 1, Per: 1, Unit: "x", Page: s3Page}, {USD: 1, Per: 1, Unit: "x", Page: s3Page, Read: "2999-01-01"}} {
		if len(sourceProblems(bad, today)) == 0 {
			t.Errorf("a price without its source passes: %+v", bad)
		}
	}
	for _, a := range FreeTier {
		if problems := sourceProblems(Price{USD: 1, Per: 1, Unit: a.Units, Page: a.Page, Read: a.Read}, today); len(problems) > 0 || a.Quantity <= 0 {
			t.Errorf("allowance %q: %v", a.Units, problems)
		}
		for _, p := range a.Prices {
			if !units[p.Unit] {
				t.Errorf("allowance %q discounts an unregistered price %+v", a.Units, p)
			}
		}
	}
}

// TestFreeTierIsSpentOnce: a shared allowance (Lambda's GB-seconds for both architectures) is spent once, in the
// estimate's order, and never below zero.
func TestFreeTierIsSpentOnce(t *testing.T) {
	e := &Estimate{Items: []Item{
		{Service: "Lambda", What: "a", Quantity: 300000, Price: LambdaArmGBSecond},
		{Service: "Lambda", What: "b", Quantity: 300000, Price: LambdaX86GBSecond},
		{Service: "Kinesis", What: "shards", Quantity: 730, Price: ShardHour, Fixed: true},
	}}
	// 400,000 free: all of a, 100,000 of b.
	want := 200000 * LambdaX86GBSecond.USD / LambdaX86GBSecond.Per
	want += 730 * ShardHour.USD
	if got := e.FreeTierIn(1); got < want-1e-9 || got > want+1e-9 {
		t.Errorf("after the free tier $%.6f, want $%.6f", got, want)
	}
	if got := e.FixedIn(1); got != 730*ShardHour.USD {
		t.Errorf("fixed $%.4f", got)
	}
}
