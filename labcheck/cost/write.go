package cost

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The estimate as the user reads it: a line an item, the saved queries, the total, and deltas between two.

// Header is the estimate's first line: what the prices are.
func Header() string {
	return fmt.Sprintf("us-east-1 list prices, before free tier (other regions differ); each price's page and day read are in labcheck/cost/prices.go; a month is %.0f hours", Month.Hours())
}

// Write prints the estimate: one line per item (month 1, and month 12 where it grows), the saved queries, the
// totals of month 1 and month 12 with the fixed/traffic split and the free-tier totals, the twelve months, the
// assumptions, the prices used with their sources, and last `total: $N.NN per month` (month 1).
func (e *Estimate) Write(w io.Writer) {
	fmt.Fprintln(w, Header())
	for _, i := range e.Items {
		fmt.Fprintln(w, i.Line())
	}
	if e.Queries.Count > 0 {
		fmt.Fprintf(w, "Athena     one run of a saved query (%d saved): %.1f MB scanned (one day; 10 MB minimum) x $%g per TB, %s GETs and %s LISTs = $%.6f, not monthly\n",
			e.Queries.Count, e.Queries.ScannedBytes/1e6, AthenaScanned.USD, quantity(e.Queries.Gets), quantity(e.Queries.Lists), e.Queries.USD)
	}
	fmt.Fprintln(w)
	for _, m := range []int{1, Months} {
		fmt.Fprintf(w, "month %-2d: $%.2f at list prices = $%.2f fixed + $%.2f traffic; $%.2f after the always-free tier\n",
			m, e.TotalIn(m), e.FixedIn(m), e.TotalIn(m)-e.FixedIn(m), e.FreeTierIn(m))
	}
	fmt.Fprintf(w, "twelve months: $%.2f at list prices, $%.2f after the always-free tier\n", Sum(e.TotalIn), Sum(e.FreeTierIn))
	fmt.Fprintf(w, "by month ($, list):")
	for m := 1; m <= Months; m++ {
		fmt.Fprintf(w, " %.2f", e.TotalIn(m))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "fixed: what runs whether or not anything is sent (shard- and stream-hours, alarms, dashboard, keys); traffic: the rest")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "assumptions:")
	for _, a := range e.Assumptions {
		fmt.Fprintf(w, "- %s\n", a)
	}
	var allowances []string
	for _, a := range FreeTier {
		allowances = append(allowances, a.Units)
	}
	fmt.Fprintf(w, "- always-free tier, each month: %s; none for Kinesis, Firehose or Athena; S3's 12-month tier for new accounts not applied\n", strings.Join(allowances, ", "))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "prices used (us-east-1):")
	for _, p := range e.Prices() {
		fmt.Fprintf(w, "  $%s%s %s: %s, read %s\n", strconv.FormatFloat(p.USD, 'f', -1, 64), per(p), p.Unit, p.Page, p.Read)
	}
	fmt.Fprintf(w, "total: $%.2f per month\n", e.Total())
}

// Sum adds a monthly figure (TotalIn, FreeTierIn) over the twelve months.
func Sum(monthly func(m int) float64) float64 {
	var t float64
	for m := 1; m <= Months; m++ {
		t += monthly(m)
	}
	return t
}

// Prices are the distinct prices the estimate's items use, in the order of the items.
func (e *Estimate) Prices() []Price {
	var out []Price
	for _, i := range e.Items {
		if !slices.Contains(out, i.Price) {
			out = append(out, i.Price)
		}
	}
	if e.Queries.Count > 0 {
		for _, p := range []Price{AthenaScanned, S3Get, S3List} {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// per is how a price's Per reads after the price: "", " per 1,000", " per million".
func per(p Price) string {
	switch p.Per {
	case 1:
		return ""
	case 1e6:
		return " per million"
	}
	return " per " + commas(p.Per)
}

// commas writes a whole number with thousands separators.
func commas(n float64) string {
	s := strconv.FormatFloat(n, 'f', 0, 64)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Line is the item's line: service, what, quantity x unit price = month 1's cost, month 12's where it grows,
// whether it is fixed, and its assumption.
func (i Item) Line() string {
	line := fmt.Sprintf("%-10s %-40s %14s %-34s x $%s%s = $%.2f", i.Service, i.What, quantity(i.Quantity), i.Price.Unit, strconv.FormatFloat(i.Price.USD, 'f', -1, 64), per(i.Price), i.Monthly())
	if i.ByMonth != nil {
		line += fmt.Sprintf(", month %d $%.2f", Months, i.In(Months))
	}
	if i.Fixed {
		line += " [fixed]"
	}
	if i.Note != "" {
		line += " (" + i.Note + ")"
	}
	return line
}

func quantity(q float64) string {
	switch {
	case q == math.Trunc(q):
		return strconv.FormatFloat(q, 'f', 0, 64)
	case q < 10:
		return strconv.FormatFloat(q, 'f', 4, 64)
	}
	return strconv.FormatFloat(q, 'f', 1, 64)
}
