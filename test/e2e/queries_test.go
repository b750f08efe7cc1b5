package e2e

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/s3fake"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/slow"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/telemetry"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/verify"
)

// queryResult is what test/python/check_queries.py reports for one saved query.
type queryResult struct {
	Name        string   `json:"name"`
	Error       string   `json:"error"`
	ParseOnly   bool     `json:"parse_only"`
	Unsupported string   `json:"unsupported"`
	DuckDBSQL   string   `json:"duckdb_sql"`
	Columns     []string `json:"columns"`
	Rows        [][]any  `json:"rows"`
}

// checkSavedQueries runs the saved queries of a golden template on the objects in s3srv: parsed by sqlglot as
// Trino SQL against the template's Glue table, transpiled to DuckDB and run through a view that derives the
// partition columns from each object's key as the projection does; each result must equal the same aggregate
// computed here in Go from the delivered events.
func checkSavedQueries(t *testing.T, s3srv *s3fake.Server, variant string) {
	python := venvPython(t)
	spec := querySpec(t, variant)
	dir := t.TempDir()
	events := downloadEvents(t, s3srv, "lab-bucket", dir)
	spec["data_dir"] = dir

	in, _ := json.Marshal(spec)
	cmd := exec.Command(python, filepath.Join("..", "python", "check_queries.py"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("check_queries.py: %v\n%s", err, stderr.String())
	}
	var res struct{ Results []queryResult }
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("check_queries.py output: %v\n%s", err, out)
	}
	if len(res.Results) != 4 {
		t.Fatalf("%d query results, want 4", len(res.Results))
	}
	for _, r := range res.Results {
		switch {
		case r.Error != "":
			t.Errorf("saved query %s: %s", r.Name, r.Error)
		case r.ParseOnly:
			t.Logf("saved query %s: parsed only, the transpiler cannot map: %s", r.Name, r.Unsupported)
		default:
			want := expectedRows(t, r.Name, events)
			compareRows(t, r, want)
		}
	}
}

// venvPython is the Python that make test installs with sqlglot and duckdb; missing it skips, or fails under CI.
func venvPython(t *testing.T) string {
	slow.Test(t, "runs Python (sqlglot, DuckDB) from .venv")
	path, err := filepath.Abs(filepath.Join("..", "..", ".venv", "bin", "python"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(".venv is not installed (make test installs it from test/python/requirements.txt)")
		}
		t.Skip(".venv is not installed: run make test")
	}
	return path
}

// querySpec reads the saved queries and the Glue table (columns, partitions, projection) of a golden template.
func querySpec(t *testing.T, variant string) map[string]any {
	spec := map[string]any{}
	var queries []map[string]string
	for _, r := range goldenResources(t, variant) {
		switch r.Type {
		case "AWS::Athena::NamedQuery":
			queries = append(queries, map[string]string{"name": r.Properties["Name"].(string), "sql": r.Properties["QueryString"].(string)})
			spec["database"] = r.Properties["Database"]
		case "AWS::KinesisFirehose::DeliveryStream":
			spec["format"] = "json"
			// The stack pins conversion off for JSON ({"Enabled": false}): on means the object with Enabled true.
			conversion, _ := r.Properties["ExtendedS3DestinationConfiguration"].(map[string]any)["DataFormatConversionConfiguration"].(map[string]any)
			if conversion != nil && conversion["Enabled"] != false {
				spec["format"] = "parquet"
			}
		case "AWS::Glue::Table":
			in := r.Properties["TableInput"].(map[string]any)
			params := in["Parameters"].(map[string]any)
			spec["table"] = in["Name"]
			spec["columns"] = in["StorageDescriptor"].(map[string]any)["Columns"]
			spec["partitions"] = in["PartitionKeys"]
			spec["date_format"] = params["projection.datehour.format"]
			spec["location_template"] = relativeTemplate(t, params["storage.location.template"])
		}
	}
	slices.SortFunc(queries, func(a, b map[string]string) int { return strings.Compare(a["name"], b["name"]) })
	spec["queries"] = queries
	if len(queries) == 0 || spec["table"] == nil {
		t.Fatalf("%s template has no saved queries or table", variant)
	}
	return spec
}

// relativeTemplate strips s3://<bucket>/ from the location template (an Fn::Join with the bucket's Ref).
func relativeTemplate(t *testing.T, v any) string {
	parts := v.(map[string]any)["Fn::Join"].([]any)[1].([]any)
	last := parts[len(parts)-1].(string)
	if !strings.HasPrefix(last, "/") {
		t.Fatalf("unexpected location template %v", v)
	}
	return last[1:]
}

// deliveredEvent is an event with the delivery hour of the object it was found in.
type deliveredEvent struct {
	event.Event
	hour string
}

var hourFolder = regexp.MustCompile(`/(\d{4}/\d{2}/\d{2}/\d{2})/`)

// downloadEvents copies every object to dir under its key (as DuckDB will read them) and decodes its events.
func downloadEvents(t *testing.T, s3srv *s3fake.Server, bucket, dir string) []deliveredEvent {
	var events []deliveredEvent
	for _, key := range s3srv.Keys(t, bucket) {
		out, err := s3srv.Client().GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		m := hourFolder.FindStringSubmatch(key)
		if m == nil {
			t.Fatalf("object %s has no hour folder", key)
		}
		decode := verify.Decode
		if verify.IsParquet(key) {
			decode = verify.DecodeParquet
		}
		decode(bytes.NewReader(data), func(e *event.Event, _ verify.Position) {
			events = append(events, deliveredEvent{Event: *e, hour: m[1]})
		}, func(_ verify.Position, reason string) { t.Fatalf("%s: %s", key, reason) })
	}
	return events
}

// expectedRows computes, in Go, what each saved query must answer on the delivered events (all of them are in
// the last 24 hours), as sorted rows of strings.
func expectedRows(t *testing.T, name string, events []deliveredEvent) [][]string {
	type agg struct {
		n, sum  int
		tenants map[string]bool
		newest  int64
		name    string
	}
	groups := map[string]*agg{}
	add := func(key string, e deliveredEvent) *agg {
		a := groups[key]
		if a == nil {
			a = &agg{tenants: map[string]bool{}}
			groups[key] = a
		}
		a.n++
		a.sum += e.Metric.Value
		a.tenants[e.Tenant.ID] = true
		a.newest = max(a.newest, e.Timestamp)
		a.name = e.Tenant.Name
		return a
	}
	var rows [][]string
	switch name {
	case "consumption-by-tenant-last-24h":
		for _, e := range events {
			add(strings.Join([]string{e.Tenant.ID, e.Tenant.Tier, e.Metric.Name, e.Metric.Unit}, "|"), e)
		}
		for k, a := range groups {
			avg := math.Round(float64(a.sum)/float64(a.n)*10) / 10
			rows = append(rows, append(strings.Split(k, "|"), fmt.Sprint(a.n), fmt.Sprint(a.sum), fmt.Sprint(avg)))
		}
	case "top-tenants-by-data-transfer-last-24h":
		for _, e := range events {
			if e.Metric.Name == "DataTransfer" {
				add(e.Tenant.ID+"|"+e.Tenant.Tier, e)
			}
		}
		for k, a := range groups {
			id, tier, _ := strings.Cut(k, "|")
			rows = append(rows, []string{id, a.name, tier, fmt.Sprint(a.sum)})
		}
		if len(rows) > 10 {
			t.Fatalf("more than ten tenants: the top-10 comparison needs a tie rule")
		}
	case "feature-usage-by-tier-last-24h":
		for _, e := range events {
			add(strings.Join([]string{e.Tenant.Tier, e.Workload, e.Context}, "|"), e)
		}
		for k, a := range groups {
			rows = append(rows, append(strings.Split(k, "|"), fmt.Sprint(a.n), fmt.Sprint(len(a.tenants))))
		}
	case "events-per-hour-and-freshness":
		for _, e := range events {
			add(e.hour, e)
		}
		for k, a := range groups {
			rows = append(rows, []string{k, fmt.Sprint(a.n), fmt.Sprint(a.newest)})
		}
	default:
		t.Fatalf("no expected answer for saved query %s", name)
	}
	slices.SortFunc(rows, func(a, b []string) int { return strings.Compare(strings.Join(a, "|"), strings.Join(b, "|")) })
	return rows
}

// compareRows checks a query's rows against the expected ones (order-insensitive: ties may come in any order).
// The freshness query's age column depends on the clock and is checked for range only.
func compareRows(t *testing.T, r queryResult, want [][]string) {
	var got [][]string
	for _, row := range r.Rows {
		var cells []string
		for i, v := range row {
			if r.Columns[i] == "newest_event_age_seconds" {
				if age, ok := v.(float64); !ok || age < -5 || age > 3600 {
					t.Errorf("%s: newest event age %v", r.Name, v)
				}
				continue
			}
			if f, ok := v.(float64); ok && f == math.Trunc(f) {
				v = int64(f)
			}
			cells = append(cells, fmt.Sprint(v))
		}
		got = append(got, cells)
	}
	slices.SortFunc(got, func(a, b []string) int { return strings.Compare(strings.Join(a, "|"), strings.Join(b, "|")) })
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("saved query %s (DuckDB: %s)\n got %v\nwant %v", r.Name, r.DuckDBSQL, got, want)
	} else {
		t.Logf("saved query %s: %d rows match", r.Name, len(got))
	}
}

// TestQueryCheckerCatchesMistakes proves the SQL check can fail: a syntax error, a column and a struct field the
// table does not have are each reported against the query's name.
func TestQueryCheckerCatchesMistakes(t *testing.T) {
	python := venvPython(t)
	spec := querySpec(t, "lab")
	dir := t.TempDir()
	g, _ := telemetry.NewGenerator(telemetry.Options{RunID: "probe"})
	var e event.Event
	var data []byte
	for range 10 {
		g.Next(&e)
		data = event.AppendNDJSON(data, &e)
	}
	path := filepath.Join(dir, "stream", "2026", "11", "29", "01", "probe.gz")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(data)
	w.Close()
	if err := os.WriteFile(path, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	spec["data_dir"] = dir
	table := `"tenant_metrics_lab"."events"`
	spec["queries"] = []map[string]string{
		{"name": "syntax", "sql": "SELECT count(* FROM " + table},
		{"name": "no-such-column", "sql": "SELECT region, count(*) FROM " + table + " WHERE datehour >= '2026' GROUP BY region"},
		{"name": "no-such-field", "sql": "SELECT tenant.region FROM " + table + " WHERE datehour >= '2026'"},
		{"name": "fine", "sql": "SELECT count(*) AS n FROM " + table + " WHERE datehour >= '2026'"},
	}
	in, _ := json.Marshal(spec)
	cmd := exec.Command(python, filepath.Join("..", "python", "check_queries.py"))
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("check_queries.py: %v", err)
	}
	var res struct{ Results []queryResult }
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"syntax": "syntax:", "no-such-column": "column region is not in the table", "no-such-field": "tenant has no field region", "fine": ""}
	for _, r := range res.Results {
		if w := want[r.Name]; w == "" && r.Error != "" || !strings.Contains(r.Error, w) {
			t.Errorf("%s: error %q, want %q", r.Name, r.Error, w)
		}
		if r.Name == "fine" && fmt.Sprint(r.Rows) != "[[10]]" {
			t.Errorf("fine: rows %v, want [[10]]", r.Rows)
		}
	}
}
