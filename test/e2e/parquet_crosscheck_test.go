package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/verify"
)

// TestVerifyReadsParquetDuckDBWrote cross-checks the Parquet path with code this project did not write: DuckDB
// writes a Parquet file from generated events with the query table's column types (from the parquet golden
// template), and verify must read every event back exactly. The other direction, DuckDB reading the Firehose
// stand-in's Parquet, is the saved-query check of TestProducerToS3EveryEventExactlyOnce/parquet.
func TestVerifyReadsParquetDuckDBWrote(t *testing.T) {
	python := venvPython(t)
	dir := t.TempDir()
	gen, err := telemetry.NewGenerator(telemetry.Options{Seed: 7, HasSeed: true, RunID: "duck"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 2000
	var ndjson []byte
	want := map[string]string{} // event id -> NDJSON line
	var e event.Event
	for range n {
		gen.Next(&e)
		line := event.AppendNDJSON(nil, &e)
		ndjson = append(ndjson, line...)
		want[e.ID()] = string(line)
	}
	input, output := filepath.Join(dir, "events.ndjson"), filepath.Join(dir, "duckdb.parquet")
	if err := os.WriteFile(input, ndjson, 0o644); err != nil {
		t.Fatal(err)
	}
	var columns any
	for _, r := range goldenResources(t, "parquet") {
		if r.Type == "AWS::Glue::Table" {
			columns = r.Properties["TableInput"].(map[string]any)["StorageDescriptor"].(map[string]any)["Columns"]
		}
	}
	spec, _ := json.Marshal(map[string]any{"input": input, "output": output, "columns": columns})
	cmd := exec.CommandContext(t.Context(), python, filepath.Join("..", "python", "write_parquet.py"))
	cmd.Dir = filepath.Join("..", "python")
	cmd.Stdin = bytes.NewReader(spec)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("DuckDB: %v\n%s", err, out)
	}
	data, err := os.ReadFile(output)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	verify.DecodeParquet(bytes.NewReader(data), func(e *event.Event, p verify.Position) {
		got++
		line := string(event.AppendNDJSON(nil, e))
		if want[e.ID()] != line {
			t.Fatalf("row %d reads back as\n%s\nwrote\n%s", p.Line, line, want[e.ID()])
		}
		delete(want, e.ID())
	}, func(p verify.Position, reason string) { t.Fatalf("row %d: %s", p.Line, reason) })
	if got != n || len(want) != 0 {
		t.Fatalf("read %d of %d events; %d never came back", got, n, len(want))
	}
}
