package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Program is a command made of subcommands: `NAME SUBCOMMAND [flags] [ARGS]`.
type Program struct {
	Name     string // e.g. "producer"
	Noun     string // what its subcommands are called in messages, e.g. "mode"; default "command"
	Header   string // the first paragraph of its help
	Footer   string // what its help prints after the list of subcommands
	Commands []*Command
}

// Run dispatches args to the subcommand their first word names; it returns the exit status. "help", -h and
// --help print the program's help, "help SUBCOMMAND" that subcommand's, on stdout.
func (p *Program) Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return p.usageError(stderr, fmt.Sprintf("name a %s: %s", p.noun(), p.names()))
	}
	word := args[0]
	switch word {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && word == "help" {
			if cmd := p.lookup(args[1]); cmd != nil {
				return cmd.run(ctx, p.Name+" "+cmd.Name, nil, []string{"--help"}, stdout, stderr)
			}
			return p.usageError(stderr, fmt.Sprintf("unknown %s %q: want one of %s", p.noun(), args[1], p.names()))
		}
		p.help(stdout)
		return ExitOK
	}
	cmd := p.lookup(word)
	if cmd == nil {
		return p.usageError(stderr, fmt.Sprintf("unknown %s %q: want one of %s", p.noun(), word, p.names()))
	}
	return cmd.run(ctx, p.Name+" "+cmd.Name, func(flag string) []string { return p.takers(cmd, flag) }, args[1:], stdout, stderr)
}

func (p *Program) lookup(name string) *Command {
	i := slices.IndexFunc(p.Commands, func(c *Command) bool { return c.Name == name })
	if i < 0 {
		return nil
	}
	return p.Commands[i]
}

func (p *Program) noun() string {
	if p.Noun == "" {
		return "command"
	}
	return p.Noun
}

// names lists every subcommand, for the messages that ask for one.
func (p *Program) names() string {
	names := make([]string, len(p.Commands))
	for i, c := range p.Commands {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

func (p *Program) usageError(w io.Writer, msg string) int {
	noun := strings.ToUpper(p.noun())
	return usageError(w, p.Name, noun+" [flags] [ARGS]", msg,
		fmt.Sprintf("Run '%s --help' for the %ss, '%s %s --help' for a %s's flags.", p.Name, p.noun(), p.Name, noun, p.noun()))
}

// takers names the other subcommands that take the flag name, for an unknown flag's message.
func (p *Program) takers(except *Command, name string) []string {
	var cmds []string
	for _, c := range p.Commands {
		if fs, _ := c.flagSet(c.Name); c != except && fs.Lookup(name) != nil {
			cmds = append(cmds, c.Name)
		}
	}
	return cmds
}

// help lists the subcommands with their usage lines and summaries.
func (p *Program) help(w io.Writer) {
	if p.Header != "" {
		fmt.Fprintf(w, "%s\n\n", strings.TrimRight(p.Header, "\n"))
	}
	fmt.Fprintln(w, "Usage:")
	lines := make([]string, 0, len(p.Commands)+1)
	summaries := make([]string, 0, len(p.Commands)+1)
	for _, c := range p.Commands {
		lines = append(lines, fmt.Sprintf("  %s %s %s", p.Name, c.Name, c.synopsis()))
		summaries = append(summaries, c.Summary)
	}
	lines = append(lines, fmt.Sprintf("  %s help [%s]", p.Name, strings.ToUpper(p.noun())))
	summaries = append(summaries, "show this help, or a "+p.noun()+"'s")
	width := 0
	for _, l := range lines {
		if len(l) <= 48 { // a longer usage line puts its summary on the next line rather than pushing every other
			width = max(width, len(l))
		}
	}
	for i, l := range lines {
		if len(l) > width {
			fmt.Fprintf(w, "%s\n%-*s  %s\n", l, width, "", summaries[i])
			continue
		}
		fmt.Fprintf(w, "%-*s  %s\n", width, l, summaries[i])
	}
	fmt.Fprintf(w, "\nRun '%s %s --help' for the flags of each %s.\n", p.Name, strings.ToUpper(p.noun()), p.noun())
	if p.Footer != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(p.Footer, "\n"))
	}
}
