package main

import (
	"strings"
	"testing"
)

func TestSummarizeCountsAndShowsFailures(t *testing.T) {
	in := `{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestB","Output":"    b_test.go:9: boom\n"}
{"Action":"fail","Package":"p","Test":"TestB"}
{"Action":"skip","Package":"p","Test":"TestC"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t0.1s\n"}
{"Action":"fail","Package":"p","Elapsed":0.1}
{"Action":"pass","Package":"r","Elapsed":7.5}
# q [q.test]
`
	var out strings.Builder
	c, err := summarize(strings.NewReader(in), &out)
	if err != nil {
		t.Fatal(err)
	}
	if c.passed != 1 || c.failed != 1 || c.skipped != 1 || c.failedPackages != 1 {
		t.Errorf("counts %+v", c)
	}
	var slow strings.Builder
	printSlowest(&slow, c.elapsed, 5)
	if got := slow.String(); got != "slowest packages: r 7.5s, p 0.1s\n" {
		t.Errorf("slowest line %q", got)
	}
	for _, want := range []string{"--- FAIL: TestB (p)", "b_test.go:9: boom", "FAIL\tp\t0.1s", "# q [q.test]"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestCommandLine: the whole command over its arguments and stdin, with the exit statuses every command uses.
func TestCommandLine(t *testing.T) {
	pass := `{"Action":"pass","Package":"p","Test":"TestA"}` + "\n"
	fail := `{"Action":"fail","Package":"p","Test":"TestB"}` + "\n"
	for _, tc := range []struct {
		args       []string
		stdin      string
		code       int
		out, inErr string
	}{
		{nil, pass, 0, "tests: 1 passed, 0 failed, 0 skipped", ""},
		{nil, pass + fail, 1, "tests: 1 passed, 1 failed, 0 skipped", ""},
		{[]string{"--verbose"}, pass, 2, "", "unknown flag --verbose"},
		{[]string{"out.json"}, pass, 2, "", `unexpected argument "out.json"`},
		{[]string{"--help"}, "", 0, "Usage: testsummary < GO_TEST_JSON", ""},
	} {
		var stdout, stderr strings.Builder
		code := run(t.Context(), tc.args, strings.NewReader(tc.stdin), &stdout, &stderr)
		if code != tc.code || !strings.Contains(stdout.String(), tc.out) || !strings.Contains(stderr.String(), tc.inErr) ||
			strings.Count(stderr.String(), "\n") > 5 {
			t.Errorf("%v: exit %d, want %d\nstdout %q\nstderr %q", tc.args, code, tc.code, stdout.String(), stderr.String())
		}
	}
}
