package main

import (
	"bytes"
	"strings"
	"testing"
)

// modes are all of labcheck's modes, which every message that asks for one lists.
var modes = []string{"preflight", "leftovers", "queries", "alarm-path", "updates", "cost"}

// TestCommandLine holds every mode to the rules all commands share (package cli): a flag the mode does not take
// exits 2 in at most five lines naming it (and where it belongs); --help goes to stdout with exit 0; an unknown
// or missing mode exits 2, names the word and lists every mode. None of these reaches an account.
func TestCommandLine(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1") // a mode that got past its flags would fail, not reach AWS
	for _, tc := range []struct {
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{args: []string{"leftovers", "--alarm", "X"}, code: 2, stderr: []string{"labcheck leftovers: unknown flag --alarm (alarm-path takes it)", "Usage: labcheck leftovers [flags]"}},
		{args: []string{"preflight", "--since", "1h"}, code: 2, stderr: []string{"unknown flag --since (queries takes it)"}},
		{args: []string{"queries", "--cdk-out", "x"}, code: 2, stderr: []string{"unknown flag --cdk-out (preflight takes it)"}},
		{args: []string{"alarm-path", "--expect-events", "3"}, code: 2, stderr: []string{"unknown flag --expect-events (queries takes it)"}},
		{args: []string{"updates", "--cdk-args", "-c a=b", "x", "y"}, code: 2, stderr: []string{"labcheck updates: unknown flag --cdk-args"}},
		{args: []string{"cost", "--spec", "f", "x"}, code: 2, stderr: []string{"unknown flag --spec (updates takes it)"}},
		{args: []string{"cost"}, code: 2, stderr: []string{"labcheck cost: want CDK_OUT, got 0 argument(s)"}},
		{args: []string{"updates", "x"}, code: 2, stderr: []string{"labcheck updates: want BASE_CDK_OUT HEAD_CDK_OUT, got 1 argument(s): x"}},
		{args: []string{"preflight", "--help"}, code: 0, stdout: []string{"Usage: labcheck preflight [flags]", "-cdk-out", "-cdk-args"}},
		{args: []string{"leftovers", "-h"}, code: 0, stdout: []string{"Usage: labcheck leftovers [flags]", "-cdk-json"}},
		{args: []string{"queries", "--help"}, code: 0, stdout: []string{"-expect-events", "-since"}},
		{args: []string{"alarm-path", "--help"}, code: 0, stdout: []string{"-alarm-wait", "alarmEmail"}},
		{args: []string{"updates", "--help"}, code: 0, stdout: []string{"Usage: labcheck updates [--spec FILE] BASE_CDK_OUT HEAD_CDK_OUT", "npm ci"}},
		{args: []string{"cost", "--help"}, code: 0, stdout: []string{"Usage: labcheck cost [--base BASE_CDK_OUT [--markdown]] [--short] CDK_OUT", "-short", "-markdown"}},
		{args: []string{"cost", "--markdown", "cdk.out"}, code: 2, stderr: []string{"--markdown compares two estimates: it needs --base"}},
		{args: []string{"help", "cost"}, code: 0, stdout: []string{"Usage: labcheck cost"}},
		{args: []string{"--help"}, code: 0, stdout: append([]string{"--cdk-args", "Exit status"}, modes...)},
		{args: []string{"help"}, code: 0, stdout: modes},
		{args: []string{"bogus"}, code: 2, stderr: append([]string{`labcheck: unknown mode "bogus"`}, modes...)},
		{args: nil, code: 2, stderr: append([]string{"labcheck: name a mode"}, modes...)},
	} {
		var out, errOut bytes.Buffer
		code := run(t.Context(), tc.args, &out, &errOut)
		stdout, stderr := out.String(), errOut.String()
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d\nstdout %q\nstderr %q", tc.args, code, tc.code, stdout, stderr)
			continue
		}
		if tc.code == 0 && stderr != "" {
			t.Errorf("%v: help belongs on stdout, stderr has %q", tc.args, stderr)
		}
		if n := strings.Count(stderr, "\n"); n > 5 {
			t.Errorf("%v: %d lines on stderr, want at most 5:\n%s", tc.args, n, stderr)
		}
		for _, want := range tc.stdout {
			if !strings.Contains(stdout, want) {
				t.Errorf("%v: stdout lacks %q:\n%s", tc.args, want, stdout)
			}
		}
		for _, want := range tc.stderr {
			if !strings.Contains(stderr, want) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, want, stderr)
			}
		}
	}
}

// TestSpecNamesTheGivenFile: a --spec that does not exist is the user's path, not a missing npm ci.
func TestSpecNamesTheGivenFile(t *testing.T) {
	var out, errOut bytes.Buffer
	missing := t.TempDir() + "/nonexistent"
	code := run(t.Context(), []string{"updates", "--spec", missing, t.TempDir(), t.TempDir()}, &out, &errOut)
	if code != 1 || errOut.String() != "labcheck updates: the service specification "+missing+" does not exist\n" {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}
