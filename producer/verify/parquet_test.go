package verify

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/eventparquet"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/s3fake"
)

// parquetEvents returns n events as one Parquet file (what the Firehose stand-in writes), and the events.
func parquetEvents(t testing.TB, run string, first, n int, ts time.Time) ([]byte, []event.Event) {
	t.Helper()
	var evs []event.Event
	for _, line := range bytes.Split(bytes.TrimSpace(events(t, run, first, n, ts)), []byte("\n")) {
		var e event.Event
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	var b bytes.Buffer
	if err := eventparquet.Write(&b, evs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), evs
}

// withFooter rewrites a Parquet file's footer after edit changes its metadata.
func withFooter(t *testing.T, file []byte, edit func(*format.FileMetaData)) []byte {
	t.Helper()
	n := binary.LittleEndian.Uint32(file[len(file)-8:])
	footerStart := len(file) - 8 - int(n)
	var meta format.FileMetaData
	if err := thrift.Unmarshal(&thrift.CompactProtocol{}, file[footerStart:len(file)-8], &meta); err != nil {
		t.Fatal(err)
	}
	edit(&meta)
	footer, err := thrift.Marshal(&thrift.CompactProtocol{}, &meta)
	if err != nil {
		t.Fatal(err)
	}
	out := append(append([]byte{}, file[:footerStart]...), footer...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(footer)))
	return append(out, "PAR1"...)
}

// TestParquetObjectsAreVerifiedLikeJSON: every row of a Parquet object is validated against the event schema and
// counted as a JSON line would be; and every kind of bad Parquet is reported against its object, never a crash.
func TestParquetObjectsAreVerifiedLikeJSON(t *testing.T) {
	srv := s3fake.Start(t)
	srv.CreateBucket(t, "lab")
	base := time.Now().UTC()
	good, evs := parquetEvents(t, "pq", 1, 500, base)
	srv.Put(t, "lab", key(0, base)+".parquet", good, "")
	more, _ := parquetEvents(t, "pq", 501, 300, base)
	srv.Put(t, "lab", key(1, base)+".parquet", more, "")

	r := run(t, srv, Options{Bucket: "lab", Expect: 800})
	if !r.OK || r.Events != 800 || r.Distinct != 800 || r.Invalid != 0 || r.Objects != 2 {
		t.Fatalf("clean Parquet: %s", r.Text())
	}
	if r.Tenants[evs[0].Tenant.ID] == 0 || len(r.Metrics) == 0 {
		t.Errorf("per-tenant and per-metric totals missing: %+v %+v", r.Tenants, r.Metrics)
	}

	// One row with a value off the schema, one with a null: reported with object and row, the rest counted.
	wrong := append([]event.Event{}, evs[:3]...)
	wrong[1].Workload = "Nope"
	var b bytes.Buffer
	if err := eventparquet.Write(&b, wrong); err != nil {
		t.Fatal(err)
	}
	nulls := []eventparquet.Row{eventparquet.FromEvent(&evs[0]), eventparquet.FromEvent(&evs[1])}
	nulls[1].Metric = nil
	var nb bytes.Buffer
	w := parquet.NewGenericWriter[eventparquet.Row](&nb)
	if _, err := w.Write(nulls); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	type missingColumn struct {
		Type *string `parquet:"type,optional"`
	}
	var mb bytes.Buffer
	mw := parquet.NewGenericWriter[missingColumn](&mb)
	s := "Application"
	if _, err := mw.Write([]missingColumn{{Type: &s}}); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	bad := map[string][]byte{
		"wrong-value": b.Bytes(),
		"null-field":  nb.Bytes(),
		"truncated":   good[:len(good)/2],
		"not-parquet": gz(events(t, "x", 1, 3, base)),
		"empty":       {},
		"no-column":   mb.Bytes(),
		"huge-rows":   withFooter(t, good, func(m *format.FileMetaData) { m.RowGroups[0].NumRows = 1 << 40 }),
		"huge-chunk":  withFooter(t, good, func(m *format.FileMetaData) { m.RowGroups[0].Columns[0].MetaData.TotalUncompressedSize = 1 << 50 }),
		"huge-footer": append(append(append([]byte{}, good[:4]...), 0xff, 0xff, 0xff, 0x7f), "PAR1"...),
	}
	srv2 := s3fake.Start(t)
	srv2.CreateBucket(t, "lab")
	i := 0
	keys := map[string]string{}
	for name, body := range bad {
		k := key(i, base) + "-" + name + ".parquet"
		keys[name] = k
		srv2.Put(t, "lab", k, body, "")
		i++
	}
	r = run(t, srv2, Options{Bucket: "lab"})
	if r.OK {
		t.Fatalf("bad Parquet passed: %s", r.Text())
	}
	if r.Events != 2+1 { // wrong-value keeps rows 1 and 3, null-field keeps row 1
		t.Errorf("%d valid events, want 3: %s", r.Events, r.Text())
	}
	reasons := map[string]string{}
	for _, p := range r.Problems {
		reasons[p.Key] += p.Reason + "; "
	}
	for name, want := range map[string]string{
		"wrong-value": `unknown workload "Nope"`, "null-field": "row 2: null metric", "truncated": "not a readable Parquet file",
		"not-parquet": "not a readable Parquet file", "empty": "empty object", "no-column": "no column workload in the Parquet file",
		"huge-rows": "declares 1099511627776 rows", "huge-chunk": "declares impossible sizes", "huge-footer": "not a readable Parquet file",
	} {
		if !strings.Contains(reasons[keys[name]], want) {
			t.Errorf("%s: %q, want %q", name, reasons[keys[name]], want)
		}
	}
}
