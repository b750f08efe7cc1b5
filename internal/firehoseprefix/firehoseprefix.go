// Package firehoseprefix reads Firehose's S3 key prefixes, which the stack writes, the cost estimate reads from
// the template and verify lists objects by.
package firehoseprefix

import "strings"

// Literal cuts a Firehose prefix at its first !{...} expression: the fixed part under which every object lands
// (errors/!{firehose:error-output-type}/ becomes errors/). IAM grants, lifecycle rules and readers start there.
func Literal(prefix string) string {
	if i := strings.Index(prefix, "!{"); i >= 0 {
		return prefix[:i]
	}
	return prefix
}
