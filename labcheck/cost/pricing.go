package cost

import (
	"fmt"
	"math"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// The pricing rules, a service each: what a stack's declarations and traffic come to in billed units.

const (
	gib            = 1 << 30
	firehoseUnit   = 5 << 10 // Firehose bills each ingested record rounded up to 5 KB
	putPayloadUnit = 25 << 10
	onDemandUnit   = 1 << 10 // on-demand data in is billed per record rounded up to 1 KB
	// logBytesPerInvocation is what one producer invocation writes to its log group: START, END and REPORT lines
	// and one summary line, about 600 bytes (an assumption, printed with the item).
	logBytesPerInvocation = 600
	// accessLogLineBytes is one S3 server access log record, about 400 bytes (an assumption).
	accessLogLineBytes = 400
	// jqHoursAssumed is the JQ processing time dynamic partitioning bills in a month for the lab's one simple
	// expression over small records (an assumption: AWS bills the actual time).
	jqHoursAssumed = 1.0
	athenaMinimum  = 10 << 20 // Athena bills at least 10 MB per query
	// transformMillis is what one transformer invocation is billed: decoding and checking a batch of at most a
	// few thousand small events, about 50 ms (an assumption, printed with the item; Lambda bills by the ms).
	transformMillis = 50
	// transformLogBytes is what one transformer invocation logs: START, END, REPORT and the batch line.
	transformLogBytes = 500
)

// flow is the producer's traffic in a month: its events, and the Kinesis records that carry them.
type flow struct {
	events, records, recordBytes float64
}

// estimate prices a stack's items in the order the estimate prints them.
func estimate(s stack, t lab.Traffic) *Estimate {
	e := &Estimate{}
	e.stream(s)
	f := flowOf(s, t)
	e.function(s.producer)
	if f.events > 0 {
		p := s.producer
		traffic := fmt.Sprintf("%.0f events/s for %.0f s a minute, %.0f records of %.0f bytes", p.rate, p.window.Seconds(), f.records, f.recordBytes)
		if s.onDemand > 0 {
			// On demand, data in is billed per GB with each record rounded up to 1 KB, and every consumer's reads per
			// GB: each delivery stream reads every record once (kinesisPage).
			written := f.records * math.Ceil(f.recordBytes/onDemandUnit) * onDemandUnit / gib
			e.add("Kinesis", "on-demand data in", written, OnDemandDataIn, traffic)
			e.add("Kinesis", "on-demand data out", written*float64(len(s.deliveries)), OnDemandDataOut, fmt.Sprintf("%d delivery stream(s) read every record; reads counted like writes, in 1 KB units (an assumption)", len(s.deliveries)))
		} else {
			e.add("Kinesis", "PUT payload units", f.records*math.Ceil(f.recordBytes/putPayloadUnit), PutPayloadUnits, traffic)
		}
		for _, d := range s.deliveries {
			e.delivery(d, f, t, s.accessLogs)
		}
	}
	e.monitoring(s)
	e.queries(s.namedQueries)
	return e
}

func (e *Estimate) add(service, what string, qty float64, p Price, note string) {
	e.Items = append(e.Items, Item{Service: service, What: what, Quantity: qty, Price: p, Note: note})
}

// stream prices the on-demand streams' hours, the provisioned shards, and the retention beyond the default the
// shard-hour price includes.
func (e *Estimate) stream(s stack) {
	if s.onDemand > 0 {
		e.add("Kinesis", "on-demand streams", float64(s.onDemand)*Month.Hours(), StreamHour, "billed per stream-hour whether or not anything is sent")
	}
	if s.shards == 0 {
		return
	}
	e.add("Kinesis", "provisioned shards", s.shards*Month.Hours(), ShardHour, "")
	if s.retentionHours > assembly.DefaultRetentionHours {
		e.add("Kinesis", "extended retention", s.shards*Month.Hours(), ExtendedRetention, fmt.Sprintf("retention %g h", s.retentionHours))
	}
}

// flowOf is the month's events and the records they travel in: one an event, or KPL aggregates.
func flowOf(s stack, t lab.Traffic) flow {
	p := s.producer
	events := p.rate * p.window.Seconds() * p.invocations
	f := flow{events: events, records: events, recordBytes: t.EventBytes}
	if p.aggregate && events > 0 {
		// Aggregates fill to the default size at high rates; at low rates each linger window (per shard)
		// flushes whatever it has, so a record holds fewer events.
		perSecond := math.Max(p.rate/t.EventsPerAggregate, math.Min(p.rate, math.Max(s.shards, 1)*float64(time.Second/t.Linger)))
		f.records = perSecond * p.window.Seconds() * p.invocations
		f.recordBytes = events * t.EventBytes / f.records
	}
	return f
}

// function prices the producer function: compute, requests and its log lines.
func (e *Estimate) function(p producer) {
	if !p.function {
		return
	}
	e.add("Lambda", "producer compute", p.invocations*p.billed.Seconds()*p.memoryMB/1024, p.gbSecond,
		fmt.Sprintf("%.0f invocations of %.0f s at %.0f MB", p.invocations, p.billed.Seconds(), p.memoryMB))
	e.add("Lambda", "producer requests", p.invocations, LambdaRequests, "")
	e.add("CloudWatch", "producer log ingestion", p.invocations*logBytesPerInvocation/gib, LogIngestion, "about 600 bytes per invocation")
}

// delivery prices what a delivery stream does with the traffic: ingestion, partitioning and conversion, and the
// objects it writes to S3. It sets the day's scanned bytes a saved query reads.
func (e *Estimate) delivery(d delivery, f flow, t lab.Traffic, accessLogs bool) {
	hours := Month.Hours()
	ingested := f.records * math.Ceil(f.recordBytes/firehoseUnit) * firehoseUnit / gib
	e.add("Firehose", "ingestion", ingested, FirehoseIngestion, "each Kinesis record Firehose reads is rounded up to 5 KB; an aggregated record counts once")
	delivered := f.events * t.EventBytes
	flushes := hours * 3600 / d.interval
	partitions := 1.0
	if d.dynamic {
		partitions = math.Min(float64(len(event.Tenants)), f.events/flushes)
	}
	objects := flushes * partitions * math.Max(1, math.Ceil(delivered/flushes/partitions/d.buffer))
	if d.dynamic {
		e.add("Firehose", "dynamic partitioning, data", delivered/gib, PartitionedGB, "")
		e.add("Firehose", "dynamic partitioning, objects", objects, PartitionedObjects, fmt.Sprintf("%.0f partitions per %.0f s buffer", partitions, d.interval))
		e.add("Firehose", "dynamic partitioning, JQ", jqHoursAssumed, JQHour, "1 hour assumed")
	}
	if d.converts {
		e.add("Firehose", "format conversion", ingested, FormatConversion, "")
	}
	if d.transform != nil {
		e.transformation(*d.transform, delivered)
	}
	// Parquet pages are compressed by the serializer, with S3 compression UNCOMPRESSED.
	stored := f.events * t.GzipBytesPerEvent
	if d.uncompressed && !d.converts {
		stored = delivered
	}
	e.add("S3", "PUT requests (delivered objects)", objects, S3Put, "")
	e.add("S3", "storage, the month's objects", stored/2/gib, S3Storage, "accumulating from empty: half the month's objects on average")
	e.Queries.ScannedBytes = stored / (hours / 24)
	if b := d.backup; b != nil {
		// The untransformed records, GZIP-compressed as the delivered JSON would be.
		backups := math.Ceil(hours * 3600 / b.interval * math.Max(1, math.Ceil(delivered/(hours*3600/b.interval)/b.buffer)))
		e.add("S3", "PUT requests (source record backup)", backups, S3Put, fmt.Sprintf("one object per %.0f s flush", b.interval))
		e.add("S3", "storage, the month's backups", f.events*t.GzipBytesPerEvent/2/gib, S3Storage, "GZIP source records, accumulating from empty")
	}
	if accessLogs {
		e.add("S3", "storage, access logs", objects*2*accessLogLineBytes/2/gib, S3Storage, "two 400-byte log records per delivered object")
	}
}

// transformation prices the transformer function: one invocation per batch at the processor's hints (Firehose
// invokes at the interval or when the buffer fills, whichever comes first). Firehose's pricing page lists no
// charge of its own for Lambda data transformation (https://aws.amazon.com/firehose/pricing/): only Lambda bills.
func (e *Estimate) transformation(t transformer, delivered float64) {
	seconds := Month.Hours() * 3600
	invocations := math.Ceil(math.Max(seconds/t.batches.interval, delivered/t.batches.buffer))
	e.add("Lambda", "transformer compute", invocations*transformMillis/1000*t.memoryMB/1024, t.gbSecond,
		fmt.Sprintf("%.0f batches (one per %.0f s or %.0f MiB) of about %d ms at %.0f MB", invocations, t.batches.interval, t.batches.buffer/(1<<20), transformMillis, t.memoryMB))
	e.add("Lambda", "transformer requests", invocations, LambdaRequests, "")
	e.add("CloudWatch", "transformer log ingestion", invocations*transformLogBytes/gib, LogIngestion, "about 500 bytes per invocation")
}

// monitoring prices the alarms, the dashboard and the alarm topic with its key.
func (e *Estimate) monitoring(s stack) {
	if s.alarms > 0 {
		e.add("CloudWatch", "alarms", float64(s.alarms), Alarm, "")
	}
	if s.dashboards > 0 {
		e.add("CloudWatch", "dashboard", float64(s.dashboards), Dashboard, "")
	}
	if s.keys > 0 {
		e.add("KMS", "customer-managed keys", float64(s.keys), KMSKey, "the alarm topic's and, with encryption=kms, the data key; a key given by kmsKeyArn is billed where it was created")
	}
	if s.topics > 0 {
		e.add("SNS", "alarm e-mails", 0, EmailNotifications, "a healthy month sends none")
	}
}

// queries prices one run of a saved query over a day of delivered objects, with Athena's minimum.
func (e *Estimate) queries(n int) {
	if n == 0 {
		return
	}
	e.Queries.Count = n
	e.Queries.USD = math.Max(e.Queries.ScannedBytes, athenaMinimum) / 1e12 * AthenaScanned.USD
}
