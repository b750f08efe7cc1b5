package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// Limits that the validation enforces; the reference in docs/configuration.md renders them from the rules below.
const (
	// MaxShardCount guards against a mistyped shard count (see lab.MaxShardCount).
	MaxShardCount = lab.MaxShardCount
	// MinRetentionHours and MaxRetentionHours are Kinesis' own retention bounds (1 day to 365 days).
	MinRetentionHours = 24
	MaxRetentionHours = 8760
	// MinBufferSizeMiB and MaxBufferSizeMiB are Firehose's S3 buffering-size bounds.
	MinBufferSizeMiB = 1
	MaxBufferSizeMiB = 128
	// MaxBufferIntervalSeconds is Firehose's S3 buffering-interval upper bound (0 means deliver as soon as possible).
	MaxBufferIntervalSeconds = 900
	// MaxNamePrefixLen keeps prefixed names inside every service's length limit with room to spare.
	MaxNamePrefixLen = 20
	// MinQueryScanCutoffMiB and MaxQueryScanCutoffMiB bound the workgroup's per-query scan limit: Athena's minimum
	// is 10 MB; the maximum is a typo guard (1 TiB scanned costs about $5).
	// https://docs.aws.amazon.com/athena/latest/APIReference/API_WorkGroupConfiguration.html
	MinQueryScanCutoffMiB = 10
	MaxQueryScanCutoffMiB = 1 << 20
	// MinDynamicPartitioningBufferMiB is Firehose's smallest buffer size with dynamic partitioning.
	// https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-enable.html
	MinDynamicPartitioningBufferMiB = 64
	// MinDynamicPartitioningIntervalSeconds: zero buffering is not available with dynamic partitioning, whose
	// interval stays in Firehose's classic 60 to 900 s range. https://docs.aws.amazon.com/firehose/latest/dev/buffering.html
	MinDynamicPartitioningIntervalSeconds = 60
	// MinFormatConversionBufferMiB is Firehose's smallest buffer with record format conversion (aws-cdk-lib refuses
	// less with DataFormatConversionBufferingSizeTooSmall, mirroring the service).
	MinFormatConversionBufferMiB = 64
	// MaxProducerReservedConcurrency is the most the producer can use: one invocation per schedule period.
	MaxProducerReservedConcurrency = 1
	// maxStreamNameLen and maxDeliveryStreamNameLen are Kinesis' and Firehose's stream name lengths.
	maxStreamNameLen         = 128
	maxDeliveryStreamNameLen = 64
)

// Compressions are the formats an Amazon Data Firehose S3 destination accepts.
var Compressions = []string{"UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"}

// QueryCompressions are the compressions Athena reads as they are, so the only ones allowed with query=true.
var QueryCompressions = []string{"GZIP", "UNCOMPRESSED"}

// LogRetentionDays are the finite retention periods CloudWatch Logs accepts.
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// Output formats of the delivered objects.
const (
	FormatJSON    = "json"    // GZIP (or uncompressed) NDJSON, as the producer writes events
	FormatParquet = "parquet" // Firehose's record format conversion to Apache Parquet
)

// Formats lists the allowed values of format.
var Formats = []string{FormatJSON, FormatParquet}

// span allows the whole numbers lo to hi; with per, hi is a count per unit of that integer key, whose value
// perOf reads (producerRate allows hi events per shard). capOf, when set, may replace the upper bound for the rest
// of c, with the sentence that says why (producerRate under streamMode=on-demand).
type span struct {
	lo, hi int
	per    string
	perOf  func(c Config) int
	capOf  func(c Config) (hi int, because string)
	capDoc string // how the reference states capOf's bound
}

func (r span) doc() string {
	s := fmt.Sprintf("%d-%d", r.lo, r.hi)
	if r.per != "" {
		s = fmt.Sprintf("%d-%d x `%s`", r.lo, r.hi, r.per)
	}
	return s + r.capDoc
}

func (r span) limits(c Config) (lo, hi int) {
	if r.capOf != nil {
		if hi, because := r.capOf(c); because != "" {
			return r.lo, hi
		}
	}
	if r.per == "" {
		return r.lo, r.hi
	}
	return r.lo, r.hi * max(r.perOf(c), 1)
}

func (r span) allowed(c Config) string {
	lo, hi := r.limits(c)
	s := fmt.Sprintf("a whole number from %d to %d", lo, hi)
	if r.capOf != nil {
		if _, because := r.capOf(c); because != "" {
			return s + " (" + because + ")"
		}
	}
	if r.per != "" {
		s += fmt.Sprintf(" (%d x %s=%d)", r.hi, r.per, r.perOf(c))
	}
	return s
}

// enum allows one of a list of values. means documents what each value does, when the reference should say;
// narrow, when set, returns the fewer values the other keys allow and the sentence that says so.
type enum struct {
	values []string
	means  map[string]string
	narrow func(c Config) (allowed []string, because string)
}

func (e enum) doc() string {
	items := codes(e.values)
	for i, v := range e.values {
		if m := e.means[v]; m != "" {
			items[i] += " (" + m + ")"
		}
	}
	return orList(items)
}

// problem says why v is not allowed in c, or "". A value the other keys exclude gets their sentence alone, so
// the message lists only the values that would pass.
func (e enum) problem(c Config, v string) string {
	allowed, because := e.values, ""
	if e.narrow != nil {
		allowed, because = e.narrow(c)
	}
	if slices.Contains(allowed, v) {
		return ""
	}
	if because != "" {
		if slices.Contains(e.values, v) {
			return because // a valid value the other keys exclude: a spelling hint would mislead
		}
		return because + didYouMean(v, allowed)
	}
	return "must be one of " + strings.Join(allowed, ", ") + didYouMean(v, allowed)
}

// text is the rule of a free-form string key: what is allowed, in words the reference and the errors share, and
// the check, which says why a value is not allowed (or "").
type text struct {
	allowed string
	problem func(c Config) string
}

var (
	namePrefixRe  = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,` + strconv.Itoa(MaxNamePrefixLen-2) + `}[a-z0-9])?$`)
	streamNameRe  = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)
	bucketNameRe  = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)
	ipAddressRe   = regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`)
	emailRe       = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$`)
	prefixCharsRe = regexp.MustCompile(`^[A-Za-z0-9` + regexp.QuoteMeta(strings.ReplaceAll(prefixSpecials, " ", "")) + `]+$`)
)

// prefixSpecials are the characters besides letters and digits that an S3 prefix may hold here: Firehose's
// expressions need ! { } : and the rest are S3's safe characters.
const (
	prefixSpecials = "/ ! _ . * ' ( ) { } : = -"
	prefixMaxBytes = 512
	maxEmailLen    = 254
)

var namePrefixAllowed = fmt.Sprintf("1 to %d lowercase letters, digits or '-', starting with a letter and not ending with '-'", MaxNamePrefixLen)

var namePrefixRule = text{
	allowed: namePrefixAllowed,
	problem: func(c Config) string {
		if c.NamePrefix != "" && !namePrefixRe.MatchString(c.NamePrefix) {
			return "must be " + namePrefixAllowed
		}
		return ""
	},
}

// streamNameRule is the rule of a Kinesis or Firehose stream name, checked on the physical name.
func streamNameRule(maxLen int, with string, physical func(c Config) string) text {
	allowed := fmt.Sprintf("1 to %d characters of A-Z, a-z, 0-9, '_', '.' and '-', %s", maxLen, with)
	return text{allowed: allowed, problem: func(c Config) string {
		if name := physical(c); len(name) < 1 || len(name) > maxLen || !streamNameRe.MatchString(name) {
			return fmt.Sprintf("must be %s (%q is not)", allowed, name)
		}
		return ""
	}}
}

const bucketNameAllowed = "3 to 63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit"

var bucketNameRule = text{
	allowed: bucketNameAllowed,
	problem: func(c Config) string {
		name := c.BucketName
		switch {
		case name == "":
			return ""
		case len(name) < 3 || len(name) > 63 || !bucketNameRe.MatchString(name):
			return "S3 bucket names must be " + bucketNameAllowed
		case strings.Contains(name, ".."):
			return "S3 bucket names must not contain '..'"
		case ipAddressRe.MatchString(name):
			return "S3 bucket names must not look like an IP address"
		case strings.HasPrefix(name, "xn--") || strings.HasSuffix(name, "-s3alias"):
			return "S3 bucket names must not start with 'xn--' or end with '-s3alias'"
		}
		return ""
	},
}

// prefixAllowed is what an S3 prefix may be, as prefixProblem checks it.
var prefixAllowed = fmt.Sprintf("at most %d characters of letters, digits and %s, ending with '/' and not starting with it", prefixMaxBytes, prefixSpecials)

// prefixProblem returns why p is not a usable Firehose S3 prefix, or "".
func prefixProblem(p string) string {
	switch {
	case p == "":
		return "must not be empty"
	case len(p) > prefixMaxBytes:
		return fmt.Sprintf("must be at most %d characters", prefixMaxBytes)
	case strings.HasPrefix(p, "/"):
		return "must not start with '/'"
	case !strings.HasSuffix(p, "/"):
		return "must end with '/' (without it Firehose glues the prefix onto the date folders, e.g. stream2026/)"
	case !prefixCharsRe.MatchString(p):
		return "may contain only letters, digits, and the characters " + prefixSpecials
	}
	return ""
}

var prefixRule = text{allowed: prefixAllowed, problem: func(c Config) string {
	if why := prefixProblem(c.Prefix); why != "" {
		return why
	}
	if strings.Contains(c.Prefix, errorOutputType) {
		return "must not contain " + errorOutputType + " (it belongs in errorPrefix)"
	}
	return ""
}}

var errorPrefixRule = text{allowed: prefixAllowed + "; with !{...} expressions it must include " + errorOutputType, problem: func(c Config) string {
	if why := prefixProblem(c.ErrorPrefix); why != "" {
		return why
	}
	if strings.Contains(c.ErrorPrefix, "!{") && !strings.Contains(c.ErrorPrefix, errorOutputType) {
		return "an error prefix that uses !{...} expressions must include " + errorOutputType
	}
	return ""
}}

const emailAllowed = "an e-mail address such as ops@example.com"

var emailRule = text{allowed: emailAllowed, problem: func(c Config) string {
	if c.AlarmEmail != "" && (len(c.AlarmEmail) > maxEmailLen || !emailRe.MatchString(c.AlarmEmail)) {
		return "must be " + emailAllowed
	}
	return ""
}}

// orList joins items as a sentence does: a, b or c.
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// codes renders values as Markdown code.
func codes(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = "`" + v + "`"
	}
	return out
}
