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
{"Action":"fail","Package":"p"}
# q [q.test]
`
	var out strings.Builder
	c, err := summarize(strings.NewReader(in), &out)
	if err != nil {
		t.Fatal(err)
	}
	if c != (counts{passed: 1, failed: 1, skipped: 1, failedPackages: 1}) {
		t.Errorf("counts %+v", c)
	}
	for _, want := range []string{"--- FAIL: TestB (p)", "b_test.go:9: boom", "FAIL\tp\t0.1s", "# q [q.test]"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
