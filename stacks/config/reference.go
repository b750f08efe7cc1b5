package config

import (
	"fmt"
	"strings"
)

// allowedMark is where a Setting's Doc takes its rule's allowed values.
const allowedMark = "{allowed}"

// Documentation is the key's text in the reference: Doc with its rule's allowed values, and the feature it needs.
func (s Setting) Documentation() string {
	doc := strings.Replace(s.Doc, allowedMark, s.allowedDoc, 1)
	if s.Needs != "" {
		doc += fmt.Sprintf(" Needs `%s=true`: set with `%s=false`, it is refused.", s.Needs, s.Needs)
	}
	return doc
}

// Reference renders the configuration reference table (docs/configuration.md) from Settings and Default.
func Reference() string {
	var b strings.Builder
	b.WriteString("| key | default | meaning and allowed values |\n| --- | --- | --- |\n")
	def := Default()
	for _, s := range Settings {
		v := s.value(def)
		if v == "" {
			v = "(empty)"
		} else {
			v = "`" + v + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", s.Key, v, s.Documentation())
	}
	return b.String()
}
