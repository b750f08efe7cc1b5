// Package eventparquet is the telemetry event as a Parquet row, in the shape Firehose's record format conversion
// gives it from the query table's schema: the same column names and types (structs as groups, value int,
// timestamp bigint), every field optional as Hive's writer declares them, and low-cardinality strings
// dictionary-encoded as the stack asks Firehose to (EnableDictionaryCompression). verify reads objects with it, and the
// Firehose stand-in and the measurements write them.
package eventparquet

import (
	"fmt"
	"io"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/gzip"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
)

// Row is one event as a Parquet row. Pointers are the optional fields: a null reads as nil, so a missing value
// is reported instead of read as zero.
type Row struct {
	Type      *string   `parquet:"type,optional,dict"`
	Workload  *string   `parquet:"workload,optional,dict"`
	Context   *string   `parquet:"context,optional,dict"`
	Tenant    *Tenant   `parquet:"tenant,optional"`
	Metric    *Metric   `parquet:"metric,optional"`
	Timestamp *int64    `parquet:"timestamp,optional"`
	Metadata  *Metadata `parquet:"metadata,optional"`
}

// Tenant is the tenant group.
type Tenant struct {
	ID   *string `parquet:"id,optional,dict"`
	Name *string `parquet:"name,optional,dict"`
	Tier *string `parquet:"tier,optional,dict"`
}

// Metric is the metric group; value is the table's int (32 bits).
type Metric struct {
	Name  *string `parquet:"name,optional,dict"`
	Unit  *string `parquet:"unit,optional,dict"`
	Value *int32  `parquet:"value,optional,dict"`
}

// Metadata is the metadata group.
type Metadata struct {
	User     *string `parquet:"user,optional,dict"`
	Resource *string `parquet:"resource,optional,dict"`
	EventID  *string `parquet:"event_id,optional"`
}

// Columns are the leaf columns every object must have, by path.
var Columns = []string{
	"type", "workload", "context", "tenant.id", "tenant.name", "tenant.tier", "metric.name", "metric.unit",
	"metric.value", "timestamp", "metadata.user", "metadata.resource", "metadata.event_id",
}

// FromEvent converts an event to a row.
func FromEvent(e *event.Event) Row {
	s := func(v string) *string { return &v }
	v := int32(e.Metric.Value)
	ts := e.Timestamp
	return Row{
		Type: s(e.Type), Workload: s(e.Workload), Context: s(e.Context),
		Tenant:    &Tenant{ID: s(e.Tenant.ID), Name: s(e.Tenant.Name), Tier: s(e.Tenant.Tier)},
		Metric:    &Metric{Name: s(e.Metric.Name), Unit: s(e.Metric.Unit), Value: &v},
		Timestamp: &ts,
		Metadata:  &Metadata{User: s(e.Metadata.User), Resource: s(e.Metadata.Resource), EventID: s(e.ID())},
	}
}

// Event converts a row back; the error names the first null field.
func (r *Row) Event() (event.Event, error) {
	var e event.Event
	var missing []string
	str := func(name string, p *string, dst *string) {
		if p == nil {
			missing = append(missing, name)
			return
		}
		*dst = *p
	}
	str("type", r.Type, &e.Type)
	str("workload", r.Workload, &e.Workload)
	str("context", r.Context, &e.Context)
	if r.Tenant == nil {
		missing = append(missing, "tenant")
	} else {
		str("tenant.id", r.Tenant.ID, &e.Tenant.ID)
		str("tenant.name", r.Tenant.Name, &e.Tenant.Name)
		str("tenant.tier", r.Tenant.Tier, &e.Tenant.Tier)
	}
	if r.Metric == nil {
		missing = append(missing, "metric")
	} else {
		str("metric.name", r.Metric.Name, &e.Metric.Name)
		str("metric.unit", r.Metric.Unit, &e.Metric.Unit)
		if r.Metric.Value == nil {
			missing = append(missing, "metric.value")
		} else {
			e.Metric.Value = int(*r.Metric.Value)
		}
	}
	if r.Timestamp == nil {
		missing = append(missing, "timestamp")
	} else {
		e.Timestamp = *r.Timestamp
	}
	if r.Metadata == nil {
		missing = append(missing, "metadata")
	} else {
		str("metadata.user", r.Metadata.User, &e.Metadata.User)
		str("metadata.resource", r.Metadata.Resource, &e.Metadata.Resource)
		str("metadata.event_id", r.Metadata.EventID, &e.Metadata.EventID)
	}
	if len(missing) > 0 {
		return e, fmt.Errorf("null %s", strings.Join(missing, ", "))
	}
	return e, nil
}

// Write writes events as one Parquet file with dictionary-encoded, GZIP-compressed pages, as the stack configures
// Firehose's converter (stacks/format.go).
func Write(w io.Writer, events []event.Event) error {
	pw := parquet.NewGenericWriter[Row](w, parquet.Compression(&gzip.Codec{Level: 6}))
	rows := make([]Row, len(events))
	for i := range events {
		rows[i] = FromEvent(&events[i])
	}
	if _, err := pw.Write(rows); err != nil {
		return fmt.Errorf("write parquet rows: %w", err)
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("close parquet file: %w", err)
	}
	return nil
}
