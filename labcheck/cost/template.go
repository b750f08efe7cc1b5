package cost

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// The templates, read into what the estimate prices.

// priced are the types read below into a stack.
var priced = map[string]bool{
	"AWS::Kinesis::Stream": true, "AWS::KinesisFirehose::DeliveryStream": true, "AWS::Lambda::Function": true,
	"AWS::S3::Bucket": true, "AWS::CloudWatch::Alarm": true, "AWS::CloudWatch::Dashboard": true,
	"AWS::KMS::Key": true, "AWS::SNS::Topic": true,
}

// stack is what the templates declare that costs money.
type stack struct {
	shards, retentionHours float64 // all provisioned streams' shards; the longest retention
	onDemand               int     // streams in the on-demand capacity mode, billed per stream-hour and GB
	producer               producer
	deliveries             []delivery
	accessLogs             bool // a bucket writes server access logs
	alarms, dashboards     int
	keys, topics           int
	namedQueries           int
}

// delivery is what a delivery stream's S3 destination says of the objects it writes.
type delivery struct {
	interval     float64 // seconds between flushes, at least 1
	buffer       float64 // bytes a flush holds at most
	dynamic      bool    // dynamic partitioning
	converts     bool    // record format conversion
	uncompressed bool    // CompressionFormat UNCOMPRESSED, as written or left out

	transform *transformer // the Lambda processor Firehose invokes; nil without one
	backup    *flushes     // the source record backup's hints; nil without a backup
}

// flushes are a buffer's hints: seconds between flushes (at least 1) and the bytes a flush holds at most.
type flushes struct {
	interval, buffer float64
}

// transformer is the Lambda processor of a delivery stream and the function it invokes.
type transformer struct {
	batches  flushes
	memoryMB float64
	gbSecond Price
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

// read reads resources into a stack; a type neither priced nor free is an error, so nothing slips in at $0.
func read(resources []assembly.Resource) (stack, error) {
	byType := map[string][]assembly.Resource{}
	for _, r := range resources {
		if !priced[r.Type] {
			if _, ok := free[r.Type]; !ok {
				return stack{}, fmt.Errorf("no price for resource type %s: add it to labcheck/cost (priced, or free with the reason)", r.Type)
			}
		}
		byType[r.Type] = append(byType[r.Type], r)
	}
	s := stack{
		retentionHours: assembly.DefaultRetentionHours,
		producer:       producerOf(byType["AWS::Lambda::Function"], byType["AWS::Events::Rule"]),
		accessLogs:     logged(byType["AWS::S3::Bucket"]),
		alarms:         len(byType["AWS::CloudWatch::Alarm"]),
		dashboards:     len(byType["AWS::CloudWatch::Dashboard"]),
		keys:           len(byType["AWS::KMS::Key"]),
		topics:         len(byType["AWS::SNS::Topic"]),
		namedQueries:   len(byType["AWS::Athena::NamedQuery"]),
	}
	for _, r := range byType["AWS::Kinesis::Stream"] {
		if mode, _ := r.Properties["StreamModeDetails"].(map[string]any); mode["StreamMode"] == "ON_DEMAND" {
			s.onDemand++
			continue
		}
		s.shards += number(r.Properties["ShardCount"], 1)
		s.retentionHours = max(s.retentionHours, number(r.Properties["RetentionPeriodHours"], assembly.DefaultRetentionHours))
	}
	for _, r := range byType["AWS::KinesisFirehose::DeliveryStream"] {
		dest, _ := r.Properties["ExtendedS3DestinationConfiguration"].(map[string]any)
		hints, _ := dest["BufferingHints"].(map[string]any)
		s.deliveries = append(s.deliveries, delivery{
			interval:     max(number(hints["IntervalInSeconds"], 300), 1),
			buffer:       number(hints["SizeInMBs"], 5) * (1 << 20),
			dynamic:      assembly.FeatureOn("DynamicPartitioningConfiguration", dest["DynamicPartitioningConfiguration"]),
			converts:     assembly.FeatureOn("DataFormatConversionConfiguration", dest["DataFormatConversionConfiguration"]),
			uncompressed: assembly.Compression(dest) == assembly.DefaultCompression,
			transform:    transformerOf(dest, byType["AWS::Lambda::Function"]),
			backup:       backupOf(dest),
		})
	}
	return s, nil
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

// number reads a numeric template property, or def when absent.
func number(v any, def float64) float64 {
	if n, ok := assembly.Number(v); ok {
		return n
	}
	return def
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

// transformerOf reads a destination's enabled Lambda processor, with Firehose's defaults for hints it leaves out
// (1 MB, 60 s: https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html), and the function it
// invokes: the stack's Go function that is not the producer.
func transformerOf(dest map[string]any, functions []assembly.Resource) *transformer {
	pc, _ := dest["ProcessingConfiguration"].(map[string]any)
	if enabled, ok := pc["Enabled"].(bool); ok && !enabled {
		return nil
	}
	procs, _ := pc["Processors"].([]any)
	for _, raw := range procs {
		proc, _ := raw.(map[string]any)
		if proc["Type"] != "Lambda" {
			continue
		}
		t := &transformer{batches: flushes{interval: 60, buffer: 1 << 20}, memoryMB: 128, gbSecond: LambdaX86GBSecond}
		params, _ := proc["Parameters"].([]any)
		for _, rp := range params {
			p, _ := rp.(map[string]any)
			v, _ := strconv.ParseFloat(fmt.Sprint(p["ParameterValue"]), 64)
			switch p["ParameterName"] {
			case "BufferIntervalInSeconds":
				t.batches.interval = v
			case "BufferSizeInMBs":
				t.batches.buffer = v * (1 << 20)
			}
		}
		t.batches.interval = max(t.batches.interval, 1)
		for _, f := range functions {
			env, _ := f.Properties["Environment"].(map[string]any)
			vars, _ := env["Variables"].(map[string]any)
			if _, producer := vars[lab.EnvRate]; producer || f.Properties["Handler"] != "bootstrap" {
				continue
			}
			t.memoryMB = number(f.Properties["MemorySize"], 128)
			if archs, _ := f.Properties["Architectures"].([]any); len(archs) == 1 && archs[0] == "arm64" {
				t.gbSecond = LambdaArmGBSecond
			}
		}
		return t
	}
	return nil
}

// backupOf reads a destination's source record backup, with Firehose's S3 default hints (5 MB, 300 s).
func backupOf(dest map[string]any) *flushes {
	if dest["S3BackupMode"] != "Enabled" {
		return nil
	}
	cfg, _ := dest["S3BackupConfiguration"].(map[string]any)
	hints, _ := cfg["BufferingHints"].(map[string]any)
	return &flushes{interval: max(number(hints["IntervalInSeconds"], 300), 1), buffer: number(hints["SizeInMBs"], 5) * (1 << 20)}
}
