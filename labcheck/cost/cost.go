// Package cost estimates what a synthesized configuration costs a month, from its templates: what they declare
// (shards, retention, the producer's rate, schedule and memory, Firehose's buffering and options, alarms, keys)
// and the traffic model it is given (lab.Traffic, which producer/traffic measures). Every price comes from
// prices.go; a resource type with neither a price nor a reason to be free fails the estimate, so a new resource
// cannot slip in at $0.
package cost

import (
	"maps"
	"math"
	"slices"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// Month is the billing month the estimate assumes: 730 hours, as AWS's pricing pages do.
const Month = 730 * time.Hour

// Item is one line of the estimate.
type Item struct {
	Service  string
	What     string
	Quantity float64 // in month 1
	Price    Price
	Note     string // an assumption the quantity rests on
	// Fixed items run whether or not anything is sent (shard-hours, alarms, the dashboard, keys); the others
	// scale with the traffic.
	Fixed bool
	// ByMonth is the quantity in months 1 to Months for an item that grows (storage under lifecycle rules, a
	// stream's long-term retention); nil when every month is month 1.
	ByMonth []float64
}

// Monthly is the item's cost in month 1.
func (i Item) Monthly() float64 { return i.In(1) }

// In is the item's cost in month m, from 1 to Months.
func (i Item) In(m int) float64 { return i.QuantityIn(m) / i.Price.Per * i.Price.USD }

// QuantityIn is the item's quantity in month m.
func (i Item) QuantityIn(m int) float64 {
	if i.ByMonth != nil {
		return i.ByMonth[m-1]
	}
	return i.Quantity
}

// Query is the cost of one run of a saved query at the configuration's daily volume.
type Query struct {
	Count        int     // saved queries in the templates
	ScannedBytes float64 // one day of delivered objects (each saved query reads the last 24 hours)
	Gets, Lists  float64 // the S3 requests of one run: a GET per object of the day, a LIST per hour's prefix
	USD          float64 // one run: the scan with Athena's 10 MB minimum, and the S3 requests
}

// Estimate is a configuration's estimate, month by month.
type Estimate struct {
	Items       []Item
	Queries     Query
	Assumptions []string // what the quantities rest on, as printed beside them
}

// Total is the estimate's total in month 1.
func (e *Estimate) Total() float64 { return e.TotalIn(1) }

// TotalIn is the list-price total in month m.
func (e *Estimate) TotalIn(m int) float64 {
	var t float64
	for _, i := range e.Items {
		t += i.In(m)
	}
	return t
}

// FixedIn is the part of month m's total that runs whether or not anything is sent.
func (e *Estimate) FixedIn(m int) float64 {
	var t float64
	for _, i := range e.Items {
		if i.Fixed {
			t += i.In(m)
		}
	}
	return t
}

// FreeTierIn is month m's total less the always-free allowances (FreeTier), each spent on its prices' items in
// the estimate's order.
func (e *Estimate) FreeTierIn(m int) float64 {
	t := e.TotalIn(m)
	for _, a := range FreeTier {
		left := a.Quantity
		for _, i := range e.Items {
			if left <= 0 || !slices.Contains(a.Prices, i.Price) {
				continue
			}
			used := math.Min(left, i.QuantityIn(m))
			left -= used
			t -= used / i.Price.Per * i.Price.USD
		}
	}
	return t
}

// FromAssembly estimates the stacks of a synthesized cloud assembly for the producer's traffic t.
func FromAssembly(dir string, t lab.Traffic) (*Estimate, error) {
	stacks, err := assembly.Load(dir)
	if err != nil {
		return nil, err
	}
	var all []assembly.Resource
	for _, n := range slices.Sorted(maps.Keys(stacks)) {
		for _, id := range slices.Sorted(maps.Keys(stacks[n].Resources)) {
			all = append(all, stacks[n].Resources[id])
		}
	}
	return FromResources(all, t)
}

// FromResources estimates a set of template resources for the producer's traffic t.
func FromResources(resources []assembly.Resource, t lab.Traffic) (*Estimate, error) {
	s, err := read(resources)
	if err != nil {
		return nil, err
	}
	return estimate(s, t), nil
}
