package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/firehoseprefix"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// Partitioning choices: the Firehose key layout under the prefix.
const (
	PartitioningTime   = "time"   // Firehose's own time folders (or the prefix's !{timestamp:...} expressions)
	PartitioningTenant = "tenant" // dynamic partitioning: a folder per tenant, then the hour
)

// Partitionings lists the allowed values of partitioning.
var Partitionings = []string{PartitioningTime, PartitioningTenant}

// Partition columns of the query table, and the JQ field Firehose extracts for the tenant folder.
const (
	DateHourColumn = "datehour"
	TenantColumn   = lab.TenantColumn
	// TenantQuery is the dynamic-partitioning key's JQ expression over an event: its tenant's id.
	TenantQuery = ".tenant.id"
)

// defaultTimeFolders is what Firehose appends to a prefix without !{timestamp:...} expressions, in UTC.
// https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html
const defaultTimeFolders = "yyyy/MM/dd/HH"

// Layout is where Firehose writes each object and how the query table finds it again: one derivation that the
// delivery stream, the Glue table's partition projection and the saved queries all read.
type Layout struct {
	FirehosePrefix string // the delivery stream's Prefix
	Literal        string // the fixed part before any expression: every object lands under it
	// DateFormat is the datehour projection's format (java.time pattern, as Firehose's !{timestamp:...} uses) and
	// DateUnit its interval unit.
	DateFormat, DateUnit string
	// Template is the object location relative to the bucket, with ${datehour} (and ${tenant_id}), for
	// storage.location.template.
	Template string
	Tenant   bool // the table has a tenant_id partition
}

// dateFields are the java.time pattern symbols a layout's date format may hold, with their Trino date_format()
// specifiers and their rendering of a time.
var dateFields = []struct {
	symbol, trino string
	render        func(t time.Time) string
}{
	{"yyyy", "%Y", func(t time.Time) string { return fmt.Sprintf("%04d", t.Year()) }},
	{"MM", "%m", func(t time.Time) string { return fmt.Sprintf("%02d", int(t.Month())) }},
	{"dd", "%d", func(t time.Time) string { return fmt.Sprintf("%02d", t.Day()) }},
	{"HH", "%H", func(t time.Time) string { return fmt.Sprintf("%02d", t.Hour()) }},
}

// translate rewrites the layout's date format field by field: quoted literals and other characters stay as text.
func (l Layout) translate(field func(i int) string) string {
	var b strings.Builder
	p := l.DateFormat
next:
	for i := 0; i < len(p); {
		if p[i] == '\'' {
			j := strings.IndexByte(p[i+1:], '\'')
			b.WriteString(p[i+1 : i+1+j])
			i += j + 2
			continue
		}
		for k, f := range dateFields {
			if strings.HasPrefix(p[i:], f.symbol) {
				b.WriteString(field(k))
				i += len(f.symbol)
				continue next
			}
		}
		b.WriteByte(p[i])
		i++
	}
	return b.String()
}

// TrinoDateFormat is DateFormat for Trino's date_format(), so saved queries compare datehour with a time.
func (l Layout) TrinoDateFormat() string {
	return l.translate(func(i int) string { return dateFields[i].trino })
}

// FormatTime renders t (in UTC) with the layout's date format, as Athena renders the datehour projection.
func (l Layout) FormatTime(t time.Time) string {
	t = t.UTC()
	return l.translate(func(i int) string { return dateFields[i].render(t) })
}

// Layout derives the layout, or says why the prefix cannot be queried.
func (c Config) Layout() (Layout, error) {
	lit := firehoseprefix.Literal(c.Prefix)
	rest := c.Prefix[len(lit):]
	l := Layout{Literal: lit, DateFormat: defaultTimeFolders, DateUnit: "HOURS"}
	switch {
	case c.Partitioning == PartitioningTenant:
		if rest != "" {
			return l, fmt.Errorf("partitioning=tenant builds the folders after the prefix itself: prefix must have no !{...} expressions")
		}
		l.FirehosePrefix = lit + TenantColumn + "=!{partitionKeyFromQuery:" + TenantColumn + "}/!{timestamp:" + defaultTimeFolders + "}/"
		l.Template = lit + TenantColumn + "=${" + TenantColumn + "}/${" + DateHourColumn + "}/"
		l.Tenant = true
	case rest == "":
		l.FirehosePrefix = lit // Firehose appends yyyy/MM/dd/HH/ itself
		l.Template = lit + "${" + DateHourColumn + "}/"
	default:
		format, unit, err := projectionFormat(rest)
		if err != nil {
			return l, err
		}
		l.FirehosePrefix = c.Prefix
		l.DateFormat, l.DateUnit = format, unit
		l.Template = lit + "${" + DateHourColumn + "}/"
	}
	return l, nil
}

// projectionFormat turns the expression part of a prefix (after its literal part) into one date format: only
// !{timestamp:...} expressions and literal text between them can be projected.
func projectionFormat(rest string) (format, unit string, err error) {
	rest = strings.TrimSuffix(rest, "/")
	var b strings.Builder
	finest := ""
	for rest != "" {
		if strings.HasPrefix(rest, "!{") {
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				return "", "", fmt.Errorf("unterminated expression in %q", rest)
			}
			expr := rest[2:end]
			pattern, ok := strings.CutPrefix(expr, "timestamp:")
			if !ok {
				return "", "", fmt.Errorf("only !{timestamp:...} expressions can be mapped to a partition projection, not !{%s}", expr)
			}
			for _, r := range pattern {
				if (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') && !strings.ContainsRune("yMdH", r) {
					return "", "", fmt.Errorf("!{timestamp:%s}: only yyyy, MM, dd and HH can be projected", pattern)
				}
			}
			for _, f := range []string{"HH", "dd", "MM", "yyyy"} {
				if strings.Contains(pattern, f) && (finest == "" || rank(f) < rank(finest)) {
					finest = f
				}
			}
			b.WriteString(pattern)
			rest = rest[end+1:]
			continue
		}
		next := strings.Index(rest, "!{")
		if next < 0 {
			next = len(rest)
		}
		text := rest[:next]
		if strings.ContainsAny(text, "'$") {
			return "", "", fmt.Errorf("literal %q between expressions cannot be projected", text)
		}
		if strings.IndexFunc(text, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }) >= 0 {
			b.WriteString("'" + text + "'") // letters are pattern symbols unless quoted
		} else {
			b.WriteString(text)
		}
		rest = rest[next:]
	}
	units := map[string]string{"HH": "HOURS", "dd": "DAYS", "MM": "MONTHS", "yyyy": "YEARS"}
	if finest == "" {
		return "", "", fmt.Errorf("the expressions hold no date field to project")
	}
	return b.String(), units[finest], nil
}

func rank(field string) int { return strings.Index("HH dd MM yyyy", field) }
