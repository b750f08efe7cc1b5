// Command testsummary reads `go test -json` on stdin and prints what a person needs from it: one line per
// package (as go test does), the full output of every failed test, and a last line counting the tests:
// "tests: N passed, N failed, N skipped". It exits 1 when a test or a package failed (a build error included).
package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cli"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

// counts are the outcomes of a run.
type counts struct {
	passed, failed, skipped int
	failedPackages          int
	elapsed                 map[string]float64 // package -> seconds its tests ran (cached results excluded)
}

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the command line: it takes no flags but --help, reads stdin and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return cli.Run(ctx, &cli.Command{
		Name:     "testsummary",
		Synopsis: "< GO_TEST_JSON",
		Summary:  "summarizes go test -json: a line per package, failed tests' output, and the counts",
		Details: `Reads go test -json on stdin and prints one line per package (as go test does), the full output of every
failed test, the slowest packages, and a last line counting the tests: "tests: N passed, N failed, N skipped".
Exit 1 when a test or a package failed (a build error included).
`,
		Setup: func(*flag.FlagSet) cli.Action {
			return func(_ context.Context, c *cli.Call) int {
				n, err := summarize(stdin, c.Stdout)
				if err != nil {
					return c.Fail(err)
				}
				printSlowest(c.Stdout, n.elapsed, 5)
				fmt.Fprintf(c.Stdout, "tests: %d passed, %d failed, %d skipped\n", n.passed, n.failed, n.skipped)
				if n.failed > 0 || n.failedPackages > 0 {
					return cli.ExitFinding
				}
				return cli.ExitOK
			}
		},
	}, args, stdout, stderr)
}

// summarize reads the JSON events from r and writes package lines and failed tests' output to w.
func summarize(r io.Reader, w io.Writer) (counts, error) {
	c := counts{elapsed: map[string]float64{}}
	output := map[string][]string{} // package/test -> its output lines, kept until the test ends
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			// Not an event: build errors and the like arrive as plain text; show them as they are.
			fmt.Fprintln(w, string(line))
			continue
		}
		key := e.Package + "\x00" + e.Test
		switch e.Action {
		case "output":
			if e.Test != "" || !strings.HasPrefix(e.Output, "=== ") {
				output[key] = append(output[key], e.Output)
			}
		case "pass", "fail", "skip":
			if e.Test == "" {
				// The package's own result: print go test's one line for it (ok/FAIL/no test files).
				for _, l := range output[key] {
					if strings.HasPrefix(l, "ok ") || strings.HasPrefix(l, "FAIL") || strings.HasPrefix(l, "?") ||
						strings.HasPrefix(l, "panic") || e.Action == "fail" {
						if !strings.HasPrefix(l, "?") {
							fmt.Fprint(w, l)
						}
					}
				}
				if e.Action == "fail" {
					c.failedPackages++
				}
				if e.Elapsed > 0 {
					c.elapsed[e.Package] = e.Elapsed
				}
				delete(output, key)
				continue
			}
			switch e.Action {
			case "pass":
				c.passed++
			case "skip":
				c.skipped++
			case "fail":
				c.failed++
				fmt.Fprintf(w, "--- FAIL: %s (%s)\n", e.Test, e.Package)
				for _, l := range output[key] {
					fmt.Fprint(w, "    "+l)
				}
			}
			delete(output, key)
		}
	}
	return c, sc.Err()
}

// printSlowest writes the n packages whose tests took longest, where a test run's time goes.
func printSlowest(w io.Writer, elapsed map[string]float64, n int) {
	pkgs := slices.Collect(maps.Keys(elapsed))
	if len(pkgs) == 0 {
		return
	}
	slices.SortFunc(pkgs, func(a, b string) int { return cmp.Compare(elapsed[b], elapsed[a]) })
	parts := make([]string, 0, n)
	for _, p := range pkgs[:min(n, len(pkgs))] {
		parts = append(parts, fmt.Sprintf("%s %.1fs", strings.TrimPrefix(p, module+"/"), elapsed[p]))
	}
	fmt.Fprintf(w, "slowest packages: %s\n", strings.Join(parts, ", "))
}

// module is trimmed from package paths in the timing line.
const module = "github.com/tenant-metrics-lab/tenant-metrics-lab"
