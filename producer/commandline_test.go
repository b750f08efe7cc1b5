package main

import (
	"strings"
	"testing"
)

// TestCommandLine holds every subcommand to the rules all commands share (package cli): a flag the subcommand
// does not take exits 2 in at most five lines naming it; --help goes to stdout with exit 0; an unknown or missing
// subcommand exits 2 and lists them all.
func TestCommandLine(t *testing.T) {
	commands := []string{"send", "print", "verify"}
	for _, tc := range []struct {
		args      []string
		code      int
		stdout    []string
		stderr    []string
		maxStderr int
	}{
		{args: []string{"send", "--bucket", "b"}, code: 2, stderr: []string{"unknown flag --bucket", "verify takes it"}, maxStderr: 5},
		{args: []string{"print", "--rate", "5"}, code: 2, stderr: []string{"producer print: unknown flag --rate", "send takes it"}, maxStderr: 5},
		{args: []string{"verify", "--count", "5"}, code: 2, stderr: []string{"producer verify: unknown flag --count", "send, print take it"}, maxStderr: 5},
		{args: []string{"send", "--help"}, code: 0, stdout: []string{"Usage: producer send [flags] [STREAM]", "-partition-key"}},
		{args: []string{"print", "-h"}, code: 0, stdout: []string{"Usage: producer print", "-count"}},
		{args: []string{"verify", "--help"}, code: 0, stdout: []string{"Usage: producer verify (--bucket NAME | --stack NAME) [flags]", "-error-prefix"}},
		{args: []string{"help", "verify"}, code: 0, stdout: []string{"Usage: producer verify"}},
		{args: []string{"--help"}, code: 0, stdout: append([]string{"producer help [COMMAND]"}, commands...)},
		{args: []string{"bogus"}, code: 2, stderr: append([]string{`unknown command "bogus"`}, commands...), maxStderr: 5},
		{args: nil, code: 2, stderr: append([]string{"name a command"}, commands...), maxStderr: 5},
	} {
		code, stdout, stderr := runCLI(t, tc.args...)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d\nstdout %q\nstderr %q", tc.args, code, tc.code, stdout, stderr)
			continue
		}
		if tc.code == 0 && stderr != "" {
			t.Errorf("%v: help belongs on stdout, stderr has %q", tc.args, stderr)
		}
		if n := strings.Count(stderr, "\n"); n > tc.maxStderr {
			t.Errorf("%v: %d lines on stderr, want at most %d:\n%s", tc.args, n, tc.maxStderr, stderr)
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
