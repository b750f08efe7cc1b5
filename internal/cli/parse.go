package cli

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseInterspersed parses flags before and after positional arguments, so that `send STREAM --rate 5` (a
// printed command with a flag appended) works. Everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// explain words a flag package error for a person: an unknown flag by the name they typed, and where it belongs
// if a sibling command takes it; a bare number given to a duration, with the unit it needs.
func explain(fs *flag.FlagSet, err error, takers func(flag string) []string) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		msg = "unknown flag --" + name
		if takers == nil {
			return msg
		}
		switch cmds := takers(name); len(cmds) {
		case 0:
		case 1:
			msg += fmt.Sprintf(" (%s takes it)", cmds[0])
		default:
			msg += fmt.Sprintf(" (%s take it)", strings.Join(cmds, ", "))
		}
		return msg
	}
	hint := durationHint(fs, msg)
	// The flag package writes flags with one dash; this repository's commands and docs use two.
	msg = strings.NewReplacer("for flag -", "for flag --", "flag needs an argument: -", "flag needs an argument: --").Replace(msg)
	return msg + hint
}

// durationHint suggests a unit when a duration flag got a bare number: --duration 5 means nothing, 5s does.
func durationHint(fs *flag.FlagSet, msg string) string {
	var value, name string
	// The flag package says: invalid value "5" for flag -duration: parse error
	if _, err := fmt.Sscanf(msg, "invalid value %q for flag -%s", &value, &name); err != nil {
		return ""
	}
	f := fs.Lookup(strings.TrimSuffix(name, ":"))
	if f == nil {
		return ""
	}
	if g, ok := f.Value.(flag.Getter); !ok {
		return ""
	} else if _, isDuration := g.Get().(time.Duration); !isDuration {
		return ""
	}
	if _, err := strconv.ParseFloat(value, 64); err != nil {
		return " (a duration needs a unit, e.g. 30s, 5m or 1h)"
	}
	return fmt.Sprintf(" (a duration needs a unit: did you mean --%s %ss?)", f.Name, value)
}
