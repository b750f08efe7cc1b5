package updates

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Word classifies a finding; the order is the order of severity.
type Word string

// The five words of a finding.
const (
	Fails     Word = "FAILS"
	LosesData Word = "LOSES DATA"
	// Keeps: something the new template no longer declares stays as it is deployed (a setting Firehose keeps, a
	// stack cdk deploy does not delete).
	Keeps      Word = "KEEPS"
	Replaces   Word = "REPLACES"
	Interrupts Word = "INTERRUPTS"
)

var severity = map[Word]int{Fails: 0, LosesData: 1, Keeps: 2, Replaces: 3, Interrupts: 4}

// Finding is one consequence of an update.
type Finding struct {
	Word      Word
	Stack     string
	LogicalID string
	Type      string
	Property  string // the property (path) that causes it, or "(resource)" for a whole resource
	Reason    string // one sentence, naming the AWS page it comes from
	WayOut    string // for FAILS: what to do instead
	What      string // for LOSES DATA: what is lost
}

// Brief is the finding in a few words, for a table cell: the word, the resource type and property, and the way
// out of a FAILS or what a LOSES DATA loses.
func (f Finding) Brief() string {
	typ := f.Type[strings.LastIndex(f.Type, "::")+2:]
	out := fmt.Sprintf("%s %s `%s`", f.Word, typ, f.Property)
	if f.LogicalID == "(stack)" {
		out = fmt.Sprintf("%s the stack %s", f.Word, f.Stack)
	}
	switch {
	case f.WayOut != "":
		out += ": " + f.WayOut
	case f.What != "":
		out += ": " + f.What
	}
	return out
}

// String is the finding's line: the word, the stack's logical id, the type, the property and the reason.
func (f Finding) String() string {
	line := fmt.Sprintf("%-10s %s/%s %s %s: %s", f.Word, f.Stack, f.LogicalID, f.Type, f.Property, f.Reason)
	if f.WayOut != "" {
		line += "\n           way out: " + f.WayOut
	}
	return line
}

// Failed reports whether any finding is a FAILS.
func Failed(findings []Finding) bool {
	return slices.ContainsFunc(findings, func(f Finding) bool { return f.Word == Fails })
}

// show renders a property value for a reason: a string as it is, anything else (an intrinsic) as JSON.
func show(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	j, _ := json.Marshal(v)
	return string(j)
}
