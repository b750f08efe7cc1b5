// Package cost estimates what a synthesized configuration costs a month, from its templates: what they declare
// (shards, retention, the producer's rate, schedule and memory, Firehose's buffering and options, alarms, keys)
// and the traffic model it is given (lab.Traffic, which producer/traffic measures). Every price comes from
// prices.go; a resource type with neither a price nor a reason to be free fails the estimate, so a new resource
// cannot slip in at $0.
package cost

import (
	"maps"
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
	Quantity float64
	Price    Price
	Note     string // an assumption the quantity rests on
}

// Monthly is the item's cost a month.
func (i Item) Monthly() float64 { return i.Quantity / i.Price.Per * i.Price.USD }

// Query is the cost of one run of a saved query at the configuration's daily volume.
type Query struct {
	Count        int     // saved queries in the templates
	ScannedBytes float64 // one day of delivered objects (each saved query reads the last 24 hours)
	USD          float64 // one run, with Athena's 10 MB minimum
}

// Estimate is a configuration's monthly estimate.
type Estimate struct {
	Items   []Item
	Queries Query
}

// Total is the estimate's monthly total.
func (e *Estimate) Total() float64 {
	var t float64
	for _, i := range e.Items {
		t += i.Monthly()
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
