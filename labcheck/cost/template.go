package cost

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/firehoseprefix"
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
	shards, retentionHours float64 // all provisioned streams' shards; the longest retention (hours)
	onDemand               int     // streams in the on-demand capacity mode, billed per stream-hour and GB
	onDemandRetention      float64 // the longest retention of the on-demand streams (hours)
	streamKey              bool    // a stream is encrypted with a KMS key (aws/kinesis or the stack's)
	producer               producer
	deliveries             []delivery
	accessLogs             *lifecycle // the rules of the data bucket's server access logs; nil without them
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

	data, backups lifecycle // the bucket's rules for the delivered objects and for the backup
	owned         bool      // the bucket is the stack's (an imported bucket's rules and keys are its owner's)
	bucketKMS     bool      // the bucket encrypts with SSE-KMS
	bucketKey     bool      // ... through an S3 Bucket Key
}

// lifecycle is what a bucket's rules do to the objects under one prefix.
type lifecycle struct {
	expireDays  float64 // 0: kept
	archiveDays float64 // 0: never moved to Standard-IA
	// minTransition is the smallest object S3 moves: 128 KB by default, 0 with varies_by_storage_class.
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
	minTransition float64
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
		alarms:         len(byType["AWS::CloudWatch::Alarm"]),
		dashboards:     len(byType["AWS::CloudWatch::Dashboard"]),
		keys:           len(byType["AWS::KMS::Key"]),
		topics:         len(byType["AWS::SNS::Topic"]),
		namedQueries:   len(byType["AWS::Athena::NamedQuery"]),
	}
	for _, r := range byType["AWS::Kinesis::Stream"] {
		if enc, _ := r.Properties["StreamEncryption"].(map[string]any); enc["EncryptionType"] == "KMS" {
			s.streamKey = true
		}
		if mode, _ := r.Properties["StreamModeDetails"].(map[string]any); mode["StreamMode"] == "ON_DEMAND" {
			s.onDemand++
			s.onDemandRetention = max(s.onDemandRetention, number(r.Properties["RetentionPeriodHours"], assembly.DefaultRetentionHours))
			continue
		}
		s.shards += number(r.Properties["ShardCount"], 1)
		s.retentionHours = max(s.retentionHours, number(r.Properties["RetentionPeriodHours"], assembly.DefaultRetentionHours))
	}
	buckets := map[string]assembly.Resource{}
	for _, b := range byType["AWS::S3::Bucket"] {
		buckets[b.ID] = b
	}
	s.accessLogs = logged(byType["AWS::S3::Bucket"], buckets)
	for _, r := range byType["AWS::KinesisFirehose::DeliveryStream"] {
		dest, _ := r.Properties["ExtendedS3DestinationConfiguration"].(map[string]any)
		hints, _ := dest["BufferingHints"].(map[string]any)
		d := delivery{
			interval:     max(number(hints["IntervalInSeconds"], 300), 1),
			buffer:       number(hints["SizeInMBs"], 5) * (1 << 20),
			dynamic:      assembly.FeatureOn("DynamicPartitioningConfiguration", dest["DynamicPartitioningConfiguration"]),
			converts:     assembly.FeatureOn("DataFormatConversionConfiguration", dest["DataFormatConversionConfiguration"]),
			uncompressed: assembly.Compression(dest) == assembly.DefaultCompression,
			transform:    transformerOf(dest, byType["AWS::Lambda::Function"]),
			backup:       backupOf(dest),
		}
		if b, ok := buckets[bucketOf(dest)]; ok {
			d.owned = true
			backupCfg, _ := dest["S3BackupConfiguration"].(map[string]any)
			prefix, _ := dest["Prefix"].(string)
			backupPrefix, _ := backupCfg["Prefix"].(string)
			d.data, d.backups = lifecycleOf(b, prefix), lifecycleOf(b, backupPrefix)
			d.bucketKMS, d.bucketKey = bucketEncryption(b)
		}
		s.deliveries = append(s.deliveries, d)
	}
	return s, nil
}

// bucketOf is the logical ID of the bucket a destination writes to, or "" for an imported bucket's ARN.
func bucketOf(dest map[string]any) string {
	att, _ := dest["BucketARN"].(map[string]any)
	ref, _ := att["Fn::GetAtt"].([]any)
	if len(ref) == 2 && ref[1] == "Arn" {
		id, _ := ref[0].(string)
		return id
	}
	return ""
}

// lifecycleOf reads the enabled rule of bucket b that covers the objects written under prefix: the rule whose
// prefix the prefix's literal part starts with (a rule without a prefix covers the bucket).
func lifecycleOf(b assembly.Resource, prefix string) lifecycle {
	cfg, _ := b.Properties["LifecycleConfiguration"].(map[string]any)
	l := lifecycle{minTransition: 128 << 10}
	if cfg["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class" {
		l.minTransition = 0
	}
	prefix = firehoseprefix.Literal(prefix)
	for _, r := range assembly.LifecycleRules(cfg) {
		if r.Status != "Enabled" || !strings.HasPrefix(prefix, r.Prefix) {
			continue
		}
		l.expireDays = max(l.expireDays, r.Expiration)
		if days, ok := r.Transitions["STANDARD_IA"]; ok {
			l.archiveDays = days
		}
	}
	return l
}

// bucketEncryption reads whether a bucket encrypts with SSE-KMS, and through an S3 Bucket Key.
func bucketEncryption(b assembly.Resource) (kms, bucketKey bool) {
	enc, _ := b.Properties["BucketEncryption"].(map[string]any)
	rules, _ := enc["ServerSideEncryptionConfiguration"].([]any)
	for _, raw := range rules {
		r, _ := raw.(map[string]any)
		by, _ := r["ServerSideEncryptionByDefault"].(map[string]any)
		if by["SSEAlgorithm"] == "aws:kms" {
			return true, r["BucketKeyEnabled"] == true
		}
	}
	return false, false
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

// logged reads the lifecycle of the server access logs a bucket writes (to a bucket of the stack), or nil.
func logged(all []assembly.Resource, byID map[string]assembly.Resource) *lifecycle {
	for _, b := range all {
		cfg, ok := b.Properties["LoggingConfiguration"].(map[string]any)
		if !ok {
			continue
		}
		ref, _ := cfg["DestinationBucketName"].(map[string]any)
		id, _ := ref["Ref"].(string)
		prefix, _ := cfg["LogFilePrefix"].(string)
		l := lifecycleOf(byID[id], prefix)
		return &l
	}
	return nil
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
