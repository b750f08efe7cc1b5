package test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks"
)

var update = flag.Bool("update", false, "rewrite the golden templates in testdata/ from the current synth")

// TestGoldenTemplates compares each variant's template with testdata/<variant>.template.json so that a pull
// request shows its infrastructure change as a diff of those files. Run `go test ./test -update` to accept one.
func TestGoldenTemplates(t *testing.T) {
	for name, overrides := range variants {
		t.Run(name, func(t *testing.T) {
			s := synth(t, overrides)
			got := normalizedTemplate(t, s)
			path := filepath.Join("testdata", name+".template.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run `go test ./test -update` to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("synthesized template differs from %s (run `go test ./test -update` if the change is intended):\n%s",
					path, lineDiff(string(want), string(got)))
			}
		})
	}
}

// normalizedTemplate reads the template the CLI would deploy, byte for byte as `npx cdk synth` writes it, with
// one exception: the producer's asset hash is masked. It is the hash of the Go binary, which changes with the Go
// version (TestProducerBundling checks that the real hash is stable between synths). The
// aws-cdk-lib handler's hash is kept: it changes only when the deployed code does.
func normalizedTemplate(t *testing.T, s *synthesized) []byte {
	t.Helper()
	return readNormalized(t, s.outdir, *s.pipeline.Stack.TemplateFile())
}

func readNormalized(t *testing.T, outdir, templateFile string) []byte {
	t.Helper()
	data, err := assembly.MaskedTemplate(outdir, templateFile, producerAsset, "<producer-asset-hash>")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// producerAsset is how the producer's asset is named in the asset manifest (stacks/bundling.go).
const producerAsset = "producer bootstrap"

// producerAssetHash returns the hash of the producer's asset from the stack's asset manifest, or "".
func producerAssetHash(t *testing.T, outdir string) string {
	t.Helper()
	hash, err := assembly.FileAssetHash(outdir, producerAsset)
	if err != nil {
		t.Fatal(err)
	}
	return hash
}

// TestSynthIsDeterministic synthesizes the lab twice into fresh directories and requires byte-identical templates
// and asset manifests (and so identical asset hashes).
func TestSynthIsDeterministic(t *testing.T) {
	var first map[string][]byte
	for i := 0; i < 2; i++ {
		dir := t.TempDir()
		noPanic(t, func() {
			app := newApp(t, nil, dir)
			if _, err := stacks.Build(app); err != nil {
				t.Fatal(err)
			}
			app.Synth(nil)
		})
		files := map[string][]byte{}
		for _, pattern := range []string{"*.template.json", "*.assets.json"} {
			matches, _ := filepath.Glob(filepath.Join(dir, pattern))
			for _, m := range matches {
				files[filepath.Base(m)], _ = os.ReadFile(m)
			}
		}
		if len(files) < 2 {
			t.Fatalf("synth wrote %d template/asset files", len(files))
		}
		if first == nil {
			first = files
			continue
		}
		for name, data := range files {
			if !bytes.Equal(first[name], data) {
				t.Errorf("%s differs between two synths:\n%s", name, lineDiff(string(first[name]), string(data)))
			}
		}
	}
}

// lineDiff shows the lines that differ, with a little context, in the style of a unified diff.
func lineDiff(want, got string) string {
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	// Longest common subsequence table over lines; templates are a few thousand lines at most.
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	shown := 0
	for i, j := 0, 0; (i < len(a) || j < len(b)) && shown < 200; {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			fmt.Fprintf(&out, "+%5d %s\n", j+1, b[j])
			j++
			shown++
		default:
			fmt.Fprintf(&out, "-%5d %s\n", i+1, a[i])
			i++
			shown++
		}
	}
	if shown == 200 {
		out.WriteString("... (diff truncated)\n")
	}
	return out.String()
}
