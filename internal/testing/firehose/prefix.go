package firehose

import (
	"fmt"
	"strings"
	"time"
)

// defaultTimeFolders is what Firehose appends to a prefix that has no !{timestamp:...} expression (and no dynamic
// partitioning keys): the UTC hour as yyyy/MM/dd/HH/. https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html
const defaultTimeFolders = "yyyy/MM/dd/HH"

// RenderPrefix evaluates a delivery stream's prefix for a record that arrived at t with the given dynamic
// partitioning keys, as Firehose does: !{timestamp:FORMAT} in UTC, !{partitionKeyFromQuery:KEY} from the keys,
// and yyyy/MM/dd/HH/ appended when the prefix has neither kind of expression.
func RenderPrefix(prefix string, t time.Time, keys map[string]string) (string, error) {
	return render(prefix, t, keys, "")
}

// RenderErrorPrefix evaluates an error prefix for a record that failed with errorType (processing-failed,
// format-conversion-failed, ...): !{firehose:error-output-type} is the type, and the prefix's other expressions
// render as in RenderPrefix. https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html
func RenderErrorPrefix(prefix string, t time.Time, errorType string) (string, error) {
	return render(prefix, t, nil, errorType)
}

func render(prefix string, t time.Time, keys map[string]string, errorType string) (string, error) {
	var b strings.Builder
	rest := prefix
	expressions := false
	for {
		i := strings.Index(rest, "!{")
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		end := strings.IndexByte(rest[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("unterminated expression in prefix %q", prefix)
		}
		expr := rest[i+2 : i+end]
		rest = rest[i+end+1:]
		kind, arg, _ := strings.Cut(expr, ":")
		switch kind {
		case "timestamp":
			b.WriteString(FormatJava(arg, t))
			expressions = true
		case "partitionKeyFromQuery":
			v, ok := keys[arg]
			if !ok {
				return "", fmt.Errorf("no dynamic partitioning key %q for prefix %q", arg, prefix)
			}
			b.WriteString(v)
			expressions = true
		case "firehose":
			if arg != "error-output-type" || errorType == "" {
				return "", fmt.Errorf("!{%s} in prefix %q: only an error prefix has !{firehose:error-output-type}", expr, prefix)
			}
			b.WriteString(errorType)
			expressions = true
		default:
			return "", fmt.Errorf("the stand-in does not render !{%s}", expr)
		}
	}
	if !expressions {
		b.WriteString(FormatJava(defaultTimeFolders, t) + "/")
	}
	return b.String(), nil
}

// FormatJava renders t in UTC with a java.time pattern of yyyy, MM, dd, HH, mm, ss and quoted literals: the
// subset Firehose prefixes and Athena's date projection use here.
func FormatJava(pattern string, t time.Time) string {
	t = t.UTC()
	fields := []struct {
		symbol string
		value  func() string
	}{
		{"yyyy", func() string { return fmt.Sprintf("%04d", t.Year()) }},
		{"MM", func() string { return fmt.Sprintf("%02d", int(t.Month())) }},
		{"dd", func() string { return fmt.Sprintf("%02d", t.Day()) }},
		{"HH", func() string { return fmt.Sprintf("%02d", t.Hour()) }},
		{"mm", func() string { return fmt.Sprintf("%02d", t.Minute()) }},
		{"ss", func() string { return fmt.Sprintf("%02d", t.Second()) }},
	}
	var b strings.Builder
next:
	for i := 0; i < len(pattern); {
		if pattern[i] == '\'' {
			j := strings.IndexByte(pattern[i+1:], '\'')
			if j < 0 {
				j = len(pattern) - i - 1
			}
			b.WriteString(pattern[i+1 : i+1+j])
			i += j + 2
			continue
		}
		for _, f := range fields {
			if strings.HasPrefix(pattern[i:], f.symbol) {
				b.WriteString(f.value())
				i += len(f.symbol)
				continue next
			}
		}
		b.WriteByte(pattern[i])
		i++
	}
	return b.String()
}
