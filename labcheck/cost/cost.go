// Package cost estimates what a synthesized configuration costs a month, from its templates: what they declare
// (shards, retention, the producer's rate, schedule and memory, Firehose's buffering and options, alarms, keys)
// and the traffic model it is given (lab.Traffic, which producer/traffic measures). Every price comes from
// prices.go; a resource type with neither a price nor a reason to be free fails the estimate, so a new resource
// cannot slip in at $0.
package cost

import (
	"fmt"
	"io"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// Month is the billing month the estimate assumes: 730 hours, as AWS's pricing pages do.
const Month = 730 * time.Hour

const (
	gib            = 1 << 30
	firehoseUnit   = 5 << 10 // Firehose bills each ingested record rounded up to 5 KB
	putPayloadUnit = 25 << 10
	// logBytesPerInvocation is what one producer invocation writes to its log group: START, END and REPORT lines
	// and one summary line, about 600 bytes (an assumption, printed with the item).
	logBytesPerInvocation = 600
	// accessLogLineBytes is one S3 server access log record, about 400 bytes (an assumption).
	accessLogLineBytes = 400
	// jqHoursAssumed is the JQ processing time dynamic partitioning bills in a month for the lab's one simple
	// expression over small records (an assumption: AWS bills the actual time).
	jqHoursAssumed = 1.0
	athenaMinimum  = 10 << 20 // Athena bills at least 10 MB per query
)

// Item is one line of the estimate.
type Item struct {
	Service  string
	What     string
	Quantity float64
	Price    Price
	Note     string // an assumption the quantity rests on
}

// Monthly is the item's cost a month.
func (i Item) Monthly() float64 { return i.Quantity / i.Price.Per * i.Price.USD }

// Query is the cost of one run of a saved query at the configuration's daily volume.
type Query struct {
	Count        int     // saved queries in the templates
	ScannedBytes float64 // one day of delivered objects (each saved query reads the last 24 hours)
	USD          float64 // one run, with Athena's 10 MB minimum
}

// Estimate is a configuration's monthly estimate.
type Estimate struct {
	Items   []Item
	Queries Query
	Traffic lab.Traffic
}

// Total is the estimate's monthly total.
func (e *Estimate) Total() float64 {
	var t float64
	for _, i := range e.Items {
		t += i.Monthly()
	}
	return t
}

// FromAssembly estimates the stacks of a synthesized cloud assembly for the producer's traffic t.
func FromAssembly(dir string, t lab.Traffic) (*Estimate, error) {
	stacks, err := assembly.Load(dir)
	if err != nil {
		return nil, err
	}
	var all []assembly.Resource
	for _, n := range slices.Sorted(maps.Keys(stacks)) {
		for _, id := range slices.Sorted(maps.Keys(stacks[n].Resources)) {
			all = append(all, stacks[n].Resources[id])
		}
	}
	return FromResources(all, t)
}

// priced are the types an estimator below prices.
var priced = map[string]bool{
	"AWS::Kinesis::Stream": true, "AWS::KinesisFirehose::DeliveryStream": true, "AWS::Lambda::Function": true,
	"AWS::S3::Bucket": true, "AWS::CloudWatch::Alarm": true, "AWS::CloudWatch::Dashboard": true,
	"AWS::KMS::Key": true, "AWS::SNS::Topic": true,
}

// FromResources estimates a set of template resources for the producer's traffic t.
func FromResources(resources []assembly.Resource, t lab.Traffic) (*Estimate, error) {
	byType := map[string][]assembly.Resource{}
	for _, r := range resources {
		if !priced[r.Type] {
			if _, ok := free[r.Type]; !ok {
				return nil, fmt.Errorf("no price for resource type %s: add it to labcheck/cost (priced, or free with the reason)", r.Type)
			}
		}
		byType[r.Type] = append(byType[r.Type], r)
	}
	e := &Estimate{Traffic: t}
	add := func(service, what string, qty float64, p Price, note string) {
		e.Items = append(e.Items, Item{Service: service, What: what, Quantity: qty, Price: p, Note: note})
	}
	hours := Month.Hours()

	// The stream.
	shards, retention := 0.0, 24.0
	for _, s := range byType["AWS::Kinesis::Stream"] {
		n := number(s.Properties["ShardCount"], 1)
		shards += n
		retention = math.Max(retention, number(s.Properties["RetentionPeriodHours"], 24))
	}
	if shards > 0 {
		add("Kinesis", "provisioned shards", shards*hours, ShardHour, "")
		if retention > 24 {
			add("Kinesis", "extended retention", shards*hours, ExtendedRetention, fmt.Sprintf("retention %g h", retention))
		}
	}

	// The producer's traffic.
	p := producerOf(byType["AWS::Lambda::Function"], byType["AWS::Events::Rule"])
	events := p.rate * p.window.Seconds() * p.invocations
	records, recordBytes := events, t.EventBytes
	if p.aggregate && events > 0 {
		// Aggregates fill to the default size at high rates; at low rates each linger window (per shard)
		// flushes whatever it has, so a record holds fewer events.
		perSecond := math.Max(p.rate/t.EventsPerAggregate, math.Min(p.rate, math.Max(shards, 1)*float64(time.Second/t.Linger)))
		records = perSecond * p.window.Seconds() * p.invocations
		recordBytes = events * t.EventBytes / records
	}
	if p.function {
		add("Lambda", "producer compute", p.invocations*p.billed.Seconds()*p.memoryMB/1024, p.gbSecond,
			fmt.Sprintf("%.0f invocations of %.0f s at %.0f MB", p.invocations, p.billed.Seconds(), p.memoryMB))
		add("Lambda", "producer requests", p.invocations, LambdaRequests, "")
		add("CloudWatch", "producer log ingestion", p.invocations*logBytesPerInvocation/gib, LogIngestion, "about 600 bytes per invocation")
	}
	if events > 0 {
		add("Kinesis", "PUT payload units", records*math.Ceil(recordBytes/putPayloadUnit), PutPayloadUnits,
			fmt.Sprintf("%.0f events/s for %.0f s a minute, %.0f records of %.0f bytes", p.rate, p.window.Seconds(), records, recordBytes))
	}

	// Firehose and what it delivers.
	for _, d := range byType["AWS::KinesisFirehose::DeliveryStream"] {
		if events == 0 {
			break
		}
		dest, _ := d.Properties["ExtendedS3DestinationConfiguration"].(map[string]any)
		hints, _ := dest["BufferingHints"].(map[string]any)
		interval := math.Max(number(hints["IntervalInSeconds"], 300), 1)
		buffer := number(hints["SizeInMBs"], 5) * (1 << 20)
		ingested := records * math.Ceil(recordBytes/firehoseUnit) * firehoseUnit / gib
		add("Firehose", "ingestion", ingested, FirehoseIngestion, "each Kinesis record Firehose reads is rounded up to 5 KB; an aggregated record counts once")
		delivered := events * t.EventBytes
		flushes := hours * 3600 / interval
		partitions := 1.0
		dynamic := enabled(dest["DynamicPartitioningConfiguration"])
		if dynamic {
			partitions = math.Min(float64(len(event.Tenants)), events/flushes)
		}
		objects := flushes * partitions * math.Max(1, math.Ceil(delivered/flushes/partitions/buffer))
		if dynamic {
			add("Firehose", "dynamic partitioning, data", delivered/gib, PartitionedGB, "")
			add("Firehose", "dynamic partitioning, objects", objects, PartitionedObjects, fmt.Sprintf("%.0f partitions per %.0f s buffer", partitions, interval))
			add("Firehose", "dynamic partitioning, JQ", jqHoursAssumed, JQHour, "1 hour assumed")
		}
		converts := enabled(dest["DataFormatConversionConfiguration"])
		if converts {
			add("Firehose", "format conversion", ingested, FormatConversion, "")
		}
		// Parquet pages are compressed by the serializer, with S3 compression UNCOMPRESSED.
		stored := events * t.GzipBytesPerEvent
		if dest["CompressionFormat"] == "UNCOMPRESSED" && !converts {
			stored = delivered
		}
		add("S3", "PUT requests (delivered objects)", objects, S3Put, "")
		add("S3", "storage, the month's objects", stored/2/gib, S3Storage, "accumulating from empty: half the month's objects on average")
		e.Queries.ScannedBytes = stored / (hours / 24)
		if logged(byType["AWS::S3::Bucket"]) {
			add("S3", "storage, access logs", objects*2*accessLogLineBytes/2/gib, S3Storage, "two 400-byte log records per delivered object")
		}
	}

	// Monitoring and the alarm topic.
	if n := len(byType["AWS::CloudWatch::Alarm"]); n > 0 {
		add("CloudWatch", "alarms", float64(n), Alarm, "")
	}
	if n := len(byType["AWS::CloudWatch::Dashboard"]); n > 0 {
		add("CloudWatch", "dashboard", float64(n), Dashboard, "")
	}
	if n := len(byType["AWS::KMS::Key"]); n > 0 {
		add("KMS", "alarm topic key", float64(n), KMSKey, "")
	}
	if n := len(byType["AWS::SNS::Topic"]); n > 0 {
		add("SNS", "alarm e-mails", 0, EmailNotifications, "a healthy month sends none")
	}

	if n := len(byType["AWS::Athena::NamedQuery"]); n > 0 {
		e.Queries.Count = n
		scanned := math.Max(e.Queries.ScannedBytes, athenaMinimum)
		e.Queries.USD = scanned / 1e12 * AthenaScanned.USD
	}
	return e, nil
}

// producer is what the templates say of the producer function's traffic.
type producer struct {
	function       bool
	rate           float64
	aggregate      bool
	window, billed time.Duration
	invocations    float64
	memoryMB       float64
	gbSecond       Price
}

var rateRe = regexp.MustCompile(`^rate\((\d+) (minute|minutes|hour|hours)\)$`)

// producerOf finds the function the stack sets EVENTS_PER_SECOND on and the schedule that invokes it.
func producerOf(functions, rules []assembly.Resource) producer {
	var p producer
	for _, f := range functions {
		env, _ := f.Properties["Environment"].(map[string]any)
		vars, _ := env["Variables"].(map[string]any)
		raw, ok := vars[lab.EnvRate].(string)
		if !ok {
			continue // not the producer (aws-cdk-lib's auto-delete provider runs only on stack deletion)
		}
		p.function = true
		p.rate, _ = strconv.ParseFloat(raw, 64)
		p.aggregate = vars[lab.EnvAggregate] == "true"
		p.memoryMB = number(f.Properties["MemorySize"], 128)
		p.gbSecond = LambdaX86GBSecond
		if archs, _ := f.Properties["Architectures"].([]any); len(archs) == 1 && archs[0] == "arm64" {
			p.gbSecond = LambdaArmGBSecond
		}
		timeout := time.Duration(number(f.Properties["Timeout"], 3)) * time.Second
		p.window, _ = lab.Plan(timeout)
		// The invocation ends about a second after its window: the flush of a small backlog and the summary.
		p.billed = p.window + time.Second
	}
	for _, r := range rules {
		m := rateRe.FindStringSubmatch(fmt.Sprint(r.Properties["ScheduleExpression"]))
		if m == nil || !p.function {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		period := time.Duration(n) * time.Minute
		if m[2] == "hour" || m[2] == "hours" {
			period = time.Duration(n) * time.Hour
		}
		p.invocations = float64(Month / period)
	}
	if p.invocations == 0 {
		p.rate = 0
	}
	return p
}

// number reads a numeric template property (a JSON number or a numeric string), or def when absent.
func number(v any, def float64) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case string:
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			return f
		}
	}
	return def
}

func enabled(v any) bool {
	m, _ := v.(map[string]any)
	e, _ := m["Enabled"].(bool)
	return e
}

// logged reports whether a bucket writes server access logs (to a bucket of the stack).
func logged(buckets []assembly.Resource) bool {
	for _, b := range buckets {
		if _, ok := b.Properties["LoggingConfiguration"]; ok {
			return true
		}
	}
	return false
}

// Header is the estimate's first line: what the prices are.
func Header() string {
	return fmt.Sprintf("us-east-1 list prices, before free tier (other regions differ); read %s, labcheck/cost/prices.go; a month is %.0f hours", Read, Month.Hours())
}

// Write prints the estimate: one line per item, the saved queries, and last `total: $N.NN per month`.
func (e *Estimate) Write(w io.Writer) {
	fmt.Fprintln(w, Header())
	for _, i := range e.Items {
		fmt.Fprintln(w, i.Line())
	}
	if e.Queries.Count > 0 {
		fmt.Fprintf(w, "Athena     one run of a saved query (%d saved): %.1f MB scanned (one day; 10 MB minimum) x $%g per TB = $%.6f, not monthly\n",
			e.Queries.Count, e.Queries.ScannedBytes/1e6, AthenaScanned.USD, e.Queries.USD)
	}
	fmt.Fprintf(w, "total: $%.2f per month\n", e.Total())
}

// Line is the item's line: service, what, quantity x unit price = monthly, and its assumption.
func (i Item) Line() string {
	per := ""
	switch i.Price.Per {
	case 1e6:
		per = " per million"
	case 1000:
		per = " per 1,000"
	case 100000:
		per = " per 100,000"
	}
	line := fmt.Sprintf("%-10s %-33s %14s %-32s x $%s%s = $%.2f", i.Service, i.What, quantity(i.Quantity), i.Price.Unit, strconv.FormatFloat(i.Price.USD, 'f', -1, 64), per, i.Monthly())
	if i.Note != "" {
		line += " (" + i.Note + ")"
	}
	return line
}

func quantity(q float64) string {
	switch {
	case q == math.Trunc(q):
		return strconv.FormatFloat(q, 'f', 0, 64)
	case q < 10:
		return strconv.FormatFloat(q, 'f', 4, 64)
	}
	return strconv.FormatFloat(q, 'f', 1, 64)
}

// Changes lists the items whose monthly cost differs between two estimates, with the delta, one line each.
func Changes(base, head *Estimate) []string {
	key := func(i Item) string { return i.Service + " " + i.What }
	was := map[string]Item{}
	for _, i := range base.Items {
		was[key(i)] = i
	}
	var out []string
	seen := map[string]bool{}
	for _, i := range head.Items {
		seen[key(i)] = true
		b, ok := was[key(i)]
		if ok && math.Abs(b.Monthly()-i.Monthly()) < 0.005 {
			continue
		}
		out = append(out, fmt.Sprintf("%-46s $%.2f -> $%.2f (%+.2f)", key(i), b.Monthly(), i.Monthly(), i.Monthly()-b.Monthly()))
	}
	for _, b := range base.Items {
		if !seen[key(b)] && b.Monthly() >= 0.005 {
			out = append(out, fmt.Sprintf("%-46s $%.2f -> gone (%+.2f)", key(b), b.Monthly(), -b.Monthly()))
		}
	}
	return out
}
