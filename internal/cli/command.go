// Package cli is the one way this repository's commands read their arguments: a flag set per subcommand, --help
// on stdout with exit 0, a usage error on stderr in at most three lines with exit 2, and exit 1 for a finding.
// The standard library's flag package does the parsing.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// The exit statuses every command uses.
const (
	ExitOK      = 0
	ExitFinding = 1 // the command ran and found something wrong (a blocker, a leftover, undelivered events), or could not run
	ExitUsage   = 2
)

// Command is one subcommand of a Program, or a whole command that has none.
type Command struct {
	Name     string // the word that selects it (for a whole command, the command's name)
	Synopsis string // what follows the name in the usage line, e.g. "[flags] [STREAM]"; default "[flags]"
	Summary  string // one line in the program's help
	Details  string // what --help prints between the usage line and the flags
	// MinArgs and MaxArgs bound the positional arguments; both zero: none.
	MinArgs, MaxArgs int
	// Interspersed lets flags follow positional arguments (`send STREAM --rate 5`); the flag package stops at the
	// first positional one.
	Interspersed bool
	// Setup registers the command's flags on fs and returns what runs once they are parsed.
	Setup func(fs *flag.FlagSet) Action
}

// Action runs a command whose flags are parsed; it returns the exit status.
type Action func(ctx context.Context, c *Call) int

// Call is one invocation of a command: its positional arguments, parsed flags and output.
type Call struct {
	Args           []string
	Flags          *flag.FlagSet
	Stdout, Stderr io.Writer
	name, synopsis string
}

// Name is the command as the user typed it, e.g. "producer send".
func (c *Call) Name() string { return c.name }

// Set reports whether the user gave the named flag (rather than taking its default).
func (c *Call) Set(flagName string) bool {
	set := false
	c.Flags.Visit(func(f *flag.Flag) { set = set || f.Name == flagName })
	return set
}

// Usagef reports a usage error: the message, the usage line and where the flags are described; it returns ExitUsage.
func (c *Call) Usagef(format string, args ...any) int {
	return usageError(c.Stderr, c.name, c.synopsis, fmt.Sprintf(format, args...), fmt.Sprintf("Run '%s --help' for every flag.", c.name))
}

// Fail reports an error the command cannot get past, on one line prefixed with the command, and returns ExitFinding.
func (c *Call) Fail(err error) int {
	fmt.Fprintf(c.Stderr, "%s: %v\n", c.name, err)
	return ExitFinding
}

// Run parses args for the whole command cmd and runs it; it returns the exit status.
func Run(ctx context.Context, cmd *Command, args []string, stdout, stderr io.Writer) int {
	return cmd.run(ctx, cmd.Name, nil, args, stdout, stderr)
}

// run parses args under the full name (e.g. "producer send") and runs the action. takers names the sibling
// commands that take a flag (nil: none), so that a flag given to the wrong subcommand says where it belongs.
func (cmd *Command) run(ctx context.Context, name string, takers func(flag string) []string, args []string, stdout, stderr io.Writer) int {
	fs, action := cmd.flagSet(name)
	c := &Call{Flags: fs, Stdout: stdout, Stderr: stderr, name: name, synopsis: cmd.synopsis()}
	var err error
	if cmd.Interspersed {
		c.Args, err = parseInterspersed(fs, args)
	} else if err = fs.Parse(args); err == nil {
		c.Args = fs.Args()
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		cmd.help(stdout, name, fs)
		return ExitOK
	case err != nil:
		return c.Usagef("%s", explain(fs, err, takers))
	}
	switch n := len(c.Args); {
	case cmd.MaxArgs == 0 && n > 0:
		return c.Usagef("unexpected argument %q", c.Args[0])
	case n < cmd.MinArgs || n > cmd.MaxArgs:
		return c.Usagef("want %s, got %d argument(s)%s", positional(c.synopsis), n, quoted(c.Args))
	}
	return action(ctx, c)
}

// flagSet builds the command's flag set, silent: errors come back to run, which words them.
func (cmd *Command) flagSet(name string) (*flag.FlagSet, Action) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	action := cmd.Setup(fs)
	return fs, action
}

func (cmd *Command) synopsis() string {
	if cmd.Synopsis == "" {
		return "[flags]"
	}
	return cmd.Synopsis
}

// help prints the usage line, the details and the flags: the output the user asked for.
func (cmd *Command) help(w io.Writer, name string, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: %s %s\n", name, cmd.synopsis())
	if text := cmd.Details; text != "" || cmd.Summary != "" {
		if text == "" {
			text = cmd.Summary + "\n"
		}
		fmt.Fprintf(w, "\n%s", text)
	}
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprint(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}

// usageError prints the short usage: the error, the usage line, a pointer to the help. Three lines, so the error
// stays on screen instead of scrolling away behind the flag list.
func usageError(w io.Writer, name, synopsis, msg, pointer string) int {
	fmt.Fprintf(w, "%s: %s\nUsage: %s %s\n%s\n", name, msg, name, synopsis, pointer)
	return ExitUsage
}

// positional is the positional part of a synopsis, for "want BASE HEAD": the words that are not flags.
func positional(synopsis string) string {
	var words []string
	depth := 0
	for _, w := range strings.Fields(synopsis) {
		opening := strings.HasPrefix(w, "[-") || strings.HasPrefix(w, "(-") || w == "[flags]"
		if opening || depth > 0 {
			depth += strings.Count(w, "[") + strings.Count(w, "(") - strings.Count(w, "]") - strings.Count(w, ")")
			continue
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}

func quoted(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return ": " + strings.Join(args, " ")
}
