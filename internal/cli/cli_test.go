package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// got is what one invocation did.
type got struct {
	code           int
	stdout, stderr string
	args           []string // what the action saw
	ran            bool
}

// fixture is a program of two subcommands that record what they were given.
func fixture(g *got) *Program {
	act := func(ctx context.Context, c *Call) int {
		g.ran, g.args = true, c.Args
		return ExitOK
	}
	return &Program{
		Name: "tool", Noun: "mode", Header: "tool does two things.", Footer: "Exit status: 0, 1 or 2.",
		Commands: []*Command{
			{Name: "send", Synopsis: "[flags] [STREAM]", Summary: "send things", Details: "Sends things somewhere.\n", MaxArgs: 1, Interspersed: true,
				Setup: func(fs *flag.FlagSet) Action {
					fs.Int("rate", 5, "things per second")
					fs.Duration("duration", 0, "how long")
					return act
				}},
			{Name: "compare", Synopsis: "[--spec FILE] BASE HEAD", Summary: "compare two things", MinArgs: 2, MaxArgs: 2,
				Setup: func(fs *flag.FlagSet) Action {
					fs.String("spec", "", "the specification")
					fs.Int("rate", 0, "also a rate")
					return act
				}},
			{Name: "find", Summary: "find something",
				Setup: func(fs *flag.FlagSet) Action {
					alarm := fs.String("alarm", "", "what to find")
					return func(_ context.Context, c *Call) int {
						g.ran = true
						switch *alarm {
						case "bad":
							return c.Usagef("--alarm %q: no such alarm", *alarm)
						case "missing":
							return c.Fail(errors.New("nothing found"))
						}
						if c.Set("alarm") {
							fmt.Fprintln(c.Stdout, "set")
						}
						return ExitOK
					}
				}},
		},
	}
}

func invoke(args ...string) got {
	var g got
	var stdout, stderr strings.Builder
	g.code = fixture(&g).Run(context.Background(), args, &stdout, &stderr)
	g.stdout, g.stderr = stdout.String(), stderr.String()
	return g
}

// TestUsageErrorsAreShort: every usage error exits 2 with at most three lines on stderr (the error, the usage
// line, where the help is), nothing on stdout, and the action never runs.
func TestUsageErrorsAreShort(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string // on the first line
	}{
		{nil, []string{"tool: name a mode: send, compare, find"}},
		{[]string{"bogus"}, []string{`tool: unknown mode "bogus": want one of send, compare, find`}},
		{[]string{"help", "bogus"}, []string{`unknown mode "bogus"`, "send, compare, find"}},
		{[]string{"find", "--rate", "5"}, []string{"tool find: unknown flag --rate (send, compare take it)"}},
		{[]string{"send", "--spec", "x"}, []string{"tool send: unknown flag --spec (compare takes it)"}},
		{[]string{"send", "--nope"}, []string{"tool send: unknown flag --nope"}},
		{[]string{"send", "--rate"}, []string{"flag needs an argument: --rate"}},
		{[]string{"send", "--rate", "x"}, []string{`invalid value "x" for flag --rate`}},
		{[]string{"send", "--duration", "5"}, []string{"did you mean --duration 5s?"}},
		{[]string{"send", "--duration", "soon"}, []string{"a duration needs a unit, e.g. 30s"}},
		{[]string{"send", "a", "b"}, []string{"tool send: want [STREAM], got 2 argument(s): a b"}},
		{[]string{"compare", "a"}, []string{"tool compare: want BASE HEAD, got 1 argument(s): a"}},
		{[]string{"find", "extra"}, []string{`tool find: unexpected argument "extra"`}},
		{[]string{"find", "--alarm", "bad"}, []string{`tool find: --alarm "bad": no such alarm`}},
	} {
		g := invoke(tc.args...)
		lines := strings.Split(strings.TrimSuffix(g.stderr, "\n"), "\n")
		if g.code != ExitUsage || len(lines) != 3 || g.stdout != "" || g.ran && !slices.Contains(tc.args, "--alarm") {
			t.Errorf("%v: exit %d, ran %v, stdout %q\nstderr %q\nwant exit 2 and three lines on stderr", tc.args, g.code, g.ran, g.stdout, g.stderr)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(lines[0], w) {
				t.Errorf("%v: first line %q lacks %q", tc.args, lines[0], w)
			}
		}
		if !strings.HasPrefix(lines[1], "Usage: tool ") || !strings.Contains(lines[2], "--help") {
			t.Errorf("%v: want a usage line and a pointer to --help:\n%s", tc.args, g.stderr)
		}
	}
	if g := invoke("find", "--rate", "5"); !strings.Contains(g.stderr, "Usage: tool find [flags]\nRun 'tool find --help' for every flag.\n") {
		t.Errorf("subcommand usage:\n%s", g.stderr)
	}
	if g := invoke("bogus"); !strings.Contains(g.stderr, "Usage: tool MODE [flags] [ARGS]\nRun 'tool --help' for the modes, 'tool MODE --help' for a mode's flags.\n") {
		t.Errorf("program usage:\n%s", g.stderr)
	}
}

// TestHelpGoesToStdout: help is output the user asked for: stdout, exit 0, nothing on stderr.
func TestHelpGoesToStdout(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"-help"}} {
		g := invoke(args...)
		if g.code != ExitOK || g.stderr != "" {
			t.Errorf("%v: exit %d, stderr %q", args, g.code, g.stderr)
		}
		for _, want := range []string{"tool does two things.\n", "  tool send [flags] [STREAM]", "send things", "  tool compare [--spec FILE] BASE HEAD",
			"  tool find [flags]", "  tool help [MODE]", "Run 'tool MODE --help' for the flags of each mode.", "Exit status: 0, 1 or 2.\n"} {
			if !strings.Contains(g.stdout, want) {
				t.Errorf("%v: help lacks %q:\n%s", args, want, g.stdout)
			}
		}
	}
	for _, args := range [][]string{{"send", "--help"}, {"send", "-h"}, {"send", "STREAM", "--help"}, {"help", "send"}} {
		g := invoke(args...)
		if g.code != ExitOK || g.stderr != "" || g.ran {
			t.Errorf("%v: exit %d, ran %v, stderr %q", args, g.code, g.ran, g.stderr)
		}
		for _, want := range []string{"Usage: tool send [flags] [STREAM]\n", "Sends things somewhere.", "Flags:\n", "-rate int", "things per second (default 5)"} {
			if !strings.Contains(g.stdout, want) {
				t.Errorf("%v: help lacks %q:\n%s", args, want, g.stdout)
			}
		}
	}
	// Without details, the summary; without flags, no flag heading.
	var stdout, stderr strings.Builder
	code := Run(context.Background(), &Command{Name: "bare", Synopsis: "< FILE", Summary: "reads a file",
		Setup: func(*flag.FlagSet) Action { return nil }}, []string{"--help"}, &stdout, &stderr)
	if code != ExitOK || stdout.String() != "Usage: bare < FILE\n\nreads a file\n" {
		t.Errorf("bare --help: exit %d, %q", code, stdout.String())
	}
}

// TestTheActionRunsWithWhatWasParsed: flags after positional arguments (Interspersed), "--" ending the flags,
// Set telling a given flag from a default, and the action's status passed through.
func TestTheActionRunsWithWhatWasParsed(t *testing.T) {
	if g := invoke("send", "s1", "--rate", "7"); g.code != ExitOK || !g.ran || !slices.Equal(g.args, []string{"s1"}) {
		t.Errorf("send s1 --rate 7: %+v", g)
	}
	if g := invoke("send", "--", "--rate"); g.code != ExitOK || !slices.Equal(g.args, []string{"--rate"}) {
		t.Errorf("send -- --rate: %+v", g)
	}
	if g := invoke("compare", "a", "b", "--spec", "x"); g.code != ExitUsage {
		t.Errorf("compare is not interspersed: a flag after the arguments is one more argument: %+v", g)
	}
	if g := invoke("compare", "--spec", "x", "a", "b"); g.code != ExitOK || !slices.Equal(g.args, []string{"a", "b"}) {
		t.Errorf("compare --spec x a b: %+v", g)
	}
	if g := invoke("find"); g.code != ExitOK || g.stdout != "" {
		t.Errorf("find: %+v", g)
	}
	if g := invoke("find", "--alarm", "x"); g.code != ExitOK || g.stdout != "set\n" {
		t.Errorf("find --alarm x: Set must see the flag: %+v", g)
	}
	if g := invoke("find", "--alarm", "missing"); g.code != ExitFinding || g.stderr != "tool find: nothing found\n" {
		t.Errorf("Fail: %+v", g)
	}
}

func TestPositionalWords(t *testing.T) {
	for synopsis, want := range map[string]string{
		"[flags] [STREAM]":                        "[STREAM]",
		"[--spec FILE] BASE_CDK_OUT HEAD_CDK_OUT": "BASE_CDK_OUT HEAD_CDK_OUT",
		"[--base BASE_CDK_OUT] [--short] CDK_OUT": "CDK_OUT",
		"(--bucket NAME | --stack NAME) [flags]":  "",
	} {
		if got := positional(synopsis); got != want {
			t.Errorf("positional(%q) = %q, want %q", synopsis, got, want)
		}
	}
}

func TestDurationHintOnlyForDurations(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.Duration("wait", time.Second, "")
	fs.Int("count", 0, "")
	if h := durationHint(fs, `invalid value "5" for flag -count: parse error`); h != "" {
		t.Errorf("an int flag got %q", h)
	}
	if h := durationHint(fs, `invalid value "2.5" for flag -wait: parse error`); !strings.Contains(h, "--wait 2.5s?") {
		t.Errorf("wait: %q", h)
	}
}
