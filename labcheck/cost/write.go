package cost

import (
	"fmt"
	"io"
	"math"
	"strconv"
)

// The estimate as the user reads it: a line an item, the saved queries, the total, and deltas between two.

// Header is the estimate's first line: what the prices are.
func Header() string {
	return fmt.Sprintf("us-east-1 list prices, before free tier (other regions differ); read %s, labcheck/cost/prices.go; a month is %.0f hours", Read, Month.Hours())
}

// Write prints the estimate: one line per item, the saved queries, and last `total: $N.NN per month`.
func (e *Estimate) Write(w io.Writer) {
	fmt.Fprintln(w, Header())
	for _, i := range e.Items {
		fmt.Fprintln(w, i.Line())
	}
	if e.Queries.Count > 0 {
		fmt.Fprintf(w, "Athena     one run of a saved query (%d saved): %.1f MB scanned (one day; 10 MB minimum) x $%g per TB = $%.6f, not monthly\n",
			e.Queries.Count, e.Queries.ScannedBytes/1e6, AthenaScanned.USD, e.Queries.USD)
	}
	fmt.Fprintf(w, "total: $%.2f per month\n", e.Total())
}

// Line is the item's line: service, what, quantity x unit price = monthly, and its assumption.
func (i Item) Line() string {
	per := ""
	switch i.Price.Per {
	case 1e6:
		per = " per million"
	case 1000:
		per = " per 1,000"
	case 100000:
		per = " per 100,000"
	}
	line := fmt.Sprintf("%-10s %-33s %14s %-32s x $%s%s = $%.2f", i.Service, i.What, quantity(i.Quantity), i.Price.Unit, strconv.FormatFloat(i.Price.USD, 'f', -1, 64), per, i.Monthly())
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

// Changes lists the items whose monthly cost differs between two estimates, with the delta, one line each.
func Changes(base, head *Estimate) []string {
	key := func(i Item) string { return i.Service + " " + i.What }
	was := map[string]Item{}
	for _, i := range base.Items {
		was[key(i)] = i
	}
	var out []string
	seen := map[string]bool{}
	for _, i := range head.Items {
		seen[key(i)] = true
		b, ok := was[key(i)]
		if !ok {
			// A zero Item has no unit (Per 0): its Monthly is 0/0, so a new item says "new", not $NaN.
			if i.Monthly() >= 0.005 {
				out = append(out, fmt.Sprintf("%-46s new -> $%.2f (%+.2f)", key(i), i.Monthly(), i.Monthly()))
			}
			continue
		}
		if math.Abs(b.Monthly()-i.Monthly()) < 0.005 {
			continue
		}
		out = append(out, fmt.Sprintf("%-46s $%.2f -> $%.2f (%+.2f)", key(i), b.Monthly(), i.Monthly(), i.Monthly()-b.Monthly()))
	}
	for _, b := range base.Items {
		if !seen[key(b)] && b.Monthly() >= 0.005 {
			out = append(out, fmt.Sprintf("%-46s $%.2f -> gone (%+.2f)", key(b), b.Monthly(), -b.Monthly()))
		}
	}
	return out
}
