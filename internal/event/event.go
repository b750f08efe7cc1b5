// Package event is the lab's telemetry event, the one schema every part reads: its fields and their JSON
// encoding, the catalog of values it takes, the check of a decoded event, and the query table's columns derived
// from its fields. The producer's generator fills it, the stack declares the table from it, verify and the
// Firehose stand-in read it back. It imports only the standard library, so the CDK app can read it too.
package event

import (
	"fmt"
	"regexp"
	"strconv"
)

// Event is one telemetry record, in the JSON shape the lab's consumers read.
type Event struct {
	Type      string   `json:"type"`
	Workload  string   `json:"workload"`
	Context   string   `json:"context"`
	Tenant    Tenant   `json:"tenant"`
	Metric    Metric   `json:"metric"`
	Timestamp int64    `json:"timestamp"` // epoch seconds
	Metadata  Metadata `json:"metadata"`

	// run and seq make up the event id of generated events without building a string per event.
	run string
	seq uint64
	// catalog marks events whose strings all come from the catalog, which never need JSON escaping.
	catalog bool
}

// MarkGenerated gives e the id "<run>-<seq>", built only when ID or the encoder needs it, so generating an event
// allocates nothing, and lets the encoder skip escaping checks. The caller vouches that every string field of e
// is a catalog value (TestCatalogNeedsNoEscaping) and that run passed CheckRunID.
func (e *Event) MarkGenerated(run string, seq uint64) {
	e.run, e.seq, e.catalog = run, seq, true
}

// runIDPattern keeps run ids safe inside event ids and partition keys, and free of JSON escapes.
var runIDPattern = regexp.MustCompile(`^[A-Za-z0-9_.]{1,64}$`)

// CheckRunID reports why run cannot prefix event ids, or nil.
func CheckRunID(run string) error {
	if !runIDPattern.MatchString(run) {
		return fmt.Errorf("run id %q: must be 1 to 64 characters of A-Z, a-z, 0-9, '_' and '.'", run)
	}
	return nil
}

// Tenant identifies the tenant an event belongs to.
type Tenant struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Tier string `json:"tier"`
}

// Metric is the measured value.
type Metric struct {
	Name  string `json:"name"`
	Unit  string `json:"unit"`
	Value int    `json:"value"`
}

// Metadata carries the user, the resource and the unique event id.
type Metadata struct {
	User     string `json:"user"`
	Resource string `json:"resource"`
	EventID  string `json:"event_id"`
}

// ID returns the event id: Metadata.EventID when set (decoded events), otherwise "<run>-<sequence>".
func (e *Event) ID() string {
	if e.Metadata.EventID != "" || e.run == "" {
		return e.Metadata.EventID
	}
	return string(e.appendID(nil))
}

func (e *Event) appendID(dst []byte) []byte {
	if e.Metadata.EventID != "" || e.run == "" {
		return append(dst, e.Metadata.EventID...)
	}
	dst = append(dst, e.run...)
	dst = append(dst, '-')
	return strconv.AppendUint(dst, e.seq, 10)
}
