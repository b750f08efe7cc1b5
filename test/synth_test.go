// Package test holds the stack tests: assertions on the synthesized template, cdk-nag, golden templates and
// determinism. Each distinct configuration is synthesized once and shared, because every synth costs a jsii call.
package test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/slow"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// synthesized is one synthesized configuration of the app.
type synthesized struct {
	pipeline *stacks.Pipeline
	template assertions.Template
	raw      map[string]any // the template as plain JSON
	outdir   string
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*synthesized{}
	tmpRoot string
)

func TestMain(m *testing.M) {
	var err error
	tmpRoot, err = os.MkdirTemp("", "stack-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	jsii.Close()
	os.RemoveAll(tmpRoot)
	os.Exit(code)
}

// cdkJSONContext returns the context of the repository's cdk.json, which the CLI would pass to the app, so that
// tests synthesize with the same feature flags and defaults as `npx cdk synth`.
func cdkJSONContext(t testing.TB) map[string]any {
	t.Helper()
	ctx, err := config.ReadCDKJSON(filepath.Join("..", "cdk.json"))
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

// newApp builds an app with cdk.json's context plus overrides given as strings, the way `-c key=value` does.
func newApp(t testing.TB, overrides map[string]string, outdir string) awscdk.App {
	slow.Test(t, "synthesizes with the CDK (node)")
	ctx := cdkJSONContext(t)
	// What the CLI adds to every synth, so the template matches `npx cdk synth` byte for byte
	// (cdk.json's "versionReporting": false is passed as aws:cdk:version-reporting).
	ctx["aws:cdk:enable-path-metadata"] = true
	ctx["aws:cdk:enable-asset-metadata"] = true
	ctx["aws:cdk:version-reporting"] = false
	// Bundling stays on (as in the CLI): a skipped bundle puts the machine's absolute source path into the
	// template's asset metadata, and with Go's build cache a bundle costs about a second.
	for k, v := range overrides {
		ctx[k] = v
	}
	return awscdk.NewApp(&awscdk.AppProps{
		Context:                         &ctx,
		Outdir:                          jsii.String(outdir),
		BuiltinCloudFormationValidation: jsii.Bool(false),
	})
}

// synth returns the shared synthesis of the app with the given -c overrides.
func synth(t testing.TB, overrides map[string]string) *synthesized {
	t.Helper()
	key := cacheKey(overrides)
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if s, ok := cache[key]; ok {
		return s
	}
	s := synthUncached(t, overrides)
	cache[key] = s
	return s
}

var synthCount atomic.Int64

// synthUncached synthesizes the app with the given -c overrides into a fresh directory.
func synthUncached(t testing.TB, overrides map[string]string) *synthesized {
	t.Helper()
	s := &synthesized{outdir: filepath.Join(tmpRoot, fmt.Sprintf("synth-%d", synthCount.Add(1)))}
	noPanic(t, func() {
		app := newApp(t, overrides, s.outdir)
		p, err := stacks.Build(app)
		if err != nil {
			t.Fatalf("build %v: %v", overrides, err)
		}
		s.pipeline = p
		s.template = assertions.Template_FromStack(p.Stack, nil)
		s.raw = *s.template.ToJSON()
	})
	return s
}

func cacheKey(overrides map[string]string) string {
	keys := make([]string, 0, len(overrides))
	for k := range maps.Keys(overrides) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s;", k, overrides[k])
	}
	return b.String()
}

// noPanic runs f and turns a jsii error (a Go panic carrying the JavaScript message) into a test failure.
func noPanic(t testing.TB, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("jsii: %v", r)
		}
	}()
	f()
}

// resources returns the template's resources of one CloudFormation type, by logical id.
func (s *synthesized) resources(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range s.raw["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == typ {
			out[id] = res
		}
	}
	return out
}

// only returns the single resource of a type, failing when there is not exactly one.
func (s *synthesized) only(t testing.TB, typ string) (string, map[string]any) {
	t.Helper()
	rs := s.resources(typ)
	if len(rs) != 1 {
		t.Fatalf("want exactly one %s, got %d", typ, len(rs))
	}
	for id, r := range rs {
		return id, r
	}
	return "", nil
}

// props returns a resource's Properties.
func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

// has asserts with the CDK assertions module that a resource of typ has (at least) these properties.
func (s *synthesized) has(t testing.TB, typ string, properties map[string]any) {
	t.Helper()
	noPanic(t, func() {
		s.template.HasResourceProperties(jsii.String(typ), assertions.Match_ObjectLike(&properties))
	})
}

// jsonOf renders v for comparisons and failure messages.
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
