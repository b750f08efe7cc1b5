package cost

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// Two estimates side by side, as the pull-request comment shows them: per item and in total, month 1 and month
// 12, the change in dollars and percent, and the twelve months as a chart.

// Change is one item's cost in both estimates, in month 1 and month Months; an item missing from one is 0 there.
type Change struct {
	Item      string // "Service what"
	Base, New [2]float64
	Added     bool // only in the new estimate
	Removed   bool // only in the base
}

// cent is the least change a comparison reports.
const cent = 0.005

// Compare lists the items whose cost in month 1 or month Months differs between two estimates, in the new
// estimate's order, then the items gone from it.
func Compare(base, head *Estimate) []Change {
	key := func(i Item) string { return i.Service + " " + i.What }
	cost := func(i Item) [2]float64 { return [2]float64{i.Monthly(), i.In(Months)} }
	was := map[string]Item{}
	for _, i := range base.Items {
		was[key(i)] = i
	}
	var out []Change
	seen := map[string]bool{}
	for _, i := range head.Items {
		seen[key(i)] = true
		b, ok := was[key(i)]
		c := Change{Item: key(i), New: cost(i), Added: !ok}
		if ok {
			c.Base = cost(b)
		}
		if c.moved() {
			out = append(out, c)
		}
	}
	for _, b := range base.Items {
		if c := (Change{Item: key(b), Base: cost(b), Removed: true}); !seen[key(b)] && c.moved() {
			out = append(out, c)
		}
	}
	return out
}

// moved reports a change of at least a cent in month 1 or month Months. A zero Item has no unit (Per 0): its
// cost is 0/0, which moves nothing.
func (c Change) moved() bool {
	for m := range c.New {
		if d := math.Abs(c.New[m] - c.Base[m]); d >= cent {
			return true
		}
	}
	return false
}

// Changes lists the items whose cost differs between two estimates, one line each: month 1's costs and the
// change in dollars and percent, and month 12's where that differs.
func Changes(base, head *Estimate) []string {
	var out []string
	for _, c := range Compare(base, head) {
		line := fmt.Sprintf("%-52s %s", c.Item, delta(c.Base[0], c.New[0], c.Added, c.Removed))
		if math.Abs((c.New[1]-c.Base[1])-(c.New[0]-c.Base[0])) >= cent {
			line += fmt.Sprintf("; month %d %s", Months, delta(c.Base[1], c.New[1], c.Added, c.Removed))
		}
		out = append(out, line)
	}
	return out
}

// delta reads "$1.00 -> $2.00 (+$1.00, +100%)", "new -> $3.00 (+$3.00)" or "$2.00 -> gone (-$2.00)".
func delta(base, head float64, added, removed bool) string {
	from, to := fmt.Sprintf("$%.2f", base), fmt.Sprintf("$%.2f", head)
	switch {
	case added:
		from = "new"
	case removed:
		to = "gone"
	}
	return fmt.Sprintf("%s -> %s (%s)", from, to, Difference(base, head))
}

// Difference is the change from base to head in dollars, and in percent of the base when there is one: "+$1.00, +100.0%".
func Difference(base, head float64) string {
	d := head - base
	sign := "+"
	if d < 0 {
		sign = "-"
	}
	s := fmt.Sprintf("%s$%.2f", sign, math.Abs(d))
	if base >= cent {
		s += fmt.Sprintf(", %+.1f%%", d/base*100)
	}
	return s
}

// Markdown writes the comparison for a pull-request comment: a table of the items that changed and of the
// totals, month 1 and month Months, and a Mermaid xychart of the twelve months (bars the base, the line this
// change), which GitHub renders. https://mermaid.js.org/syntax/xyChart.html
func Markdown(w io.Writer, base, head *Estimate) {
	fmt.Fprintf(w, "| item | base, month 1 | this change, month 1 | change | base, month %d | this change, month %d | change |\n", Months, Months)
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	row := func(name string, b, n [2]float64) {
		fmt.Fprintf(w, "| %s | $%.2f | $%.2f | %s | $%.2f | $%.2f | %s |\n", name, b[0], n[0], Difference(b[0], n[0]), b[1], n[1], Difference(b[1], n[1]))
	}
	for _, c := range Compare(base, head) {
		name := c.Item
		switch {
		case c.Added:
			name += " (new)"
		case c.Removed:
			name += " (gone)"
		}
		row(name, c.Base, c.New)
	}
	row("**total, list prices**", [2]float64{base.TotalIn(1), base.TotalIn(Months)}, [2]float64{head.TotalIn(1), head.TotalIn(Months)})
	row("total after the always-free tier", [2]float64{base.FreeTierIn(1), base.FreeTierIn(Months)}, [2]float64{head.FreeTierIn(1), head.FreeTierIn(Months)})
	row("of which fixed", [2]float64{base.FixedIn(1), base.FixedIn(Months)}, [2]float64{head.FixedIn(1), head.FixedIn(Months)})
	fmt.Fprintf(w, "\nTwelve months: $%.2f -> $%.2f (%s) at list prices.\n\n", Sum(base.TotalIn), Sum(head.TotalIn), Difference(Sum(base.TotalIn), Sum(head.TotalIn)))
	fmt.Fprintln(w, "```mermaid")
	fmt.Fprint(w, Chart(base, head))
	fmt.Fprintln(w, "```")
}

// Chart is a Mermaid xychart-beta of the two estimates' list-price totals over the twelve months: the base as
// bars, the new estimate as a line, on a y axis from 0 to a round figure above both.
func Chart(base, head *Estimate) string {
	var b, h []string
	top := 0.0
	for m := 1; m <= Months; m++ {
		b = append(b, fmt.Sprintf("%.2f", base.TotalIn(m)))
		h = append(h, fmt.Sprintf("%.2f", head.TotalIn(m)))
		top = math.Max(top, math.Max(base.TotalIn(m), head.TotalIn(m)))
	}
	months := make([]string, Months)
	for m := range months {
		months[m] = fmt.Sprint(m + 1)
	}
	var s strings.Builder
	s.WriteString("xychart-beta\n")
	s.WriteString("    title \"USD a month at list prices: bars the base, line this change\"\n")
	fmt.Fprintf(&s, "    x-axis \"month\" [%s]\n", strings.Join(months, ", "))
	fmt.Fprintf(&s, "    y-axis \"USD\" 0 --> %s\n", roundUp(top*1.1))
	fmt.Fprintf(&s, "    bar [%s]\n", strings.Join(b, ", "))
	fmt.Fprintf(&s, "    line [%s]\n", strings.Join(h, ", "))
	return s.String()
}

// roundUp is v rounded up to 1, 2 or 5 times a power of ten.
func roundUp(v float64) string {
	if v <= 0 {
		return "1"
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, f := range []float64{1, 2, 5, 10} {
		if f*p >= v {
			return fmt.Sprint(f * p)
		}
	}
	return fmt.Sprint(10 * p)
}
