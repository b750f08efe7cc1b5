package cost

import (
	"fmt"
	"math"
	"strings"
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

// hourlyGB is the flow's record bytes an hour, in GB.
func (f flow) hourlyGB() float64 { return f.records * f.recordBytes / gib / Month.Hours() }

// estimate prices a stack's items in the order the estimate prints them.
func estimate(s stack, t lab.Traffic) *Estimate {
	e := &Estimate{}
	f := flowOf(s, t)
	e.stream(s, f)
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
		objects := make([]float64, len(s.deliveries))
		for n, d := range s.deliveries {
			objects[n] = e.delivery(d, f, t, s.accessLogs)
		}
		e.keyRequests(s, objects)
	}
	e.monitoring(s)
	e.queries(s.namedQueries)
	e.assume(s, f, t)
	return e
}

func (e *Estimate) add(service, what string, qty float64, p Price, note string) {
	e.Items = append(e.Items, Item{Service: service, What: what, Quantity: qty, Price: p, Note: note})
}

// fixed adds an item that runs whether or not anything is sent.
func (e *Estimate) fixed(service, what string, qty float64, p Price, note string) {
	e.Items = append(e.Items, Item{Service: service, What: what, Quantity: qty, Price: p, Note: note, Fixed: true})
}

// grows adds an item whose quantity changes month by month.
func (e *Estimate) grows(service, what string, months []float64, p Price, note string) {
	e.Items = append(e.Items, Item{Service: service, What: what, Quantity: months[0], Price: p, Note: note, ByMonth: months})
}

// stream prices the on-demand streams' hours, the provisioned shards, and the retention beyond the default the
// shard-hour price includes: extended (to 7 days) per shard-hour when provisioned and per GB-month on demand, and
// long-term (beyond 7 days) per GB-month in both modes (kinesisPage). Firehose reads records as they arrive, so no
// long-term retrieval is billed.
func (e *Estimate) stream(s stack, f flow) {
	const week = 7 * 24
	if s.onDemand > 0 {
		e.fixed("Kinesis", "on-demand streams", float64(s.onDemand)*Month.Hours(), StreamHour, "billed per stream-hour whether or not anything is sent")
		if r := s.onDemandRetention; r > assembly.DefaultRetentionHours && f.events > 0 {
			gb := f.hourlyGB()
			e.grows("Kinesis", "extended retention (on demand)", byMonth(func(m int) float64 { return gb * held(m, assembly.DefaultRetentionHours, min(r, week)) }), OnDemandExtendedRetention,
				fmt.Sprintf("retention %g h: the records 24 h to %g h old", r, min(r, week)))
		}
	}
	if s.shards > 0 {
		e.fixed("Kinesis", "provisioned shards", s.shards*Month.Hours(), ShardHour, "")
		if s.retentionHours > assembly.DefaultRetentionHours {
			e.fixed("Kinesis", "extended retention", s.shards*Month.Hours(), ExtendedRetention, fmt.Sprintf("retention %g h", s.retentionHours))
		}
	}
	if r := max(s.retentionHours, s.onDemandRetention); r > week && f.events > 0 {
		gb := f.hourlyGB()
		e.grows("Kinesis", "long-term retention", byMonth(func(m int) float64 { return gb * held(m, week, r) }), LongTermRetention,
			fmt.Sprintf("retention %g h: the records 7 days to %g h old, %.4f GB written an hour", r, r, gb))
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
// objects it writes to S3, which it returns (a month's). It sets the day's scanned bytes a saved query reads.
func (e *Estimate) delivery(d delivery, f flow, t lab.Traffic, accessLogs *lifecycle) (objects float64) {
	hours := Month.Hours()
	ingested := f.records * math.Ceil(f.recordBytes/firehoseUnit) * firehoseUnit / gib
	e.add("Firehose", "ingestion", ingested, FirehoseIngestion, "each Kinesis record Firehose reads is rounded up to 5 KB; an aggregated record counts once")
	delivered := f.events * t.EventBytes
	flushes := hours * 3600 / d.interval
	partitions := 1.0
	if d.dynamic {
		partitions = math.Min(float64(len(event.Tenants)), f.events/flushes)
	}
	objects = flushes * partitions * math.Max(1, math.Ceil(delivered/flushes/partitions/d.buffer))
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
	switch {
	case d.converts:
		stored = f.events * t.ParquetBytesPerEvent
	case d.uncompressed:
		stored = delivered
	}
	e.add("S3", "PUT requests (delivered objects)", objects, S3Put, "")
	e.storage("delivered objects", d.data, stored, objects, "objects")
	e.Queries.ScannedBytes = stored / (hours / 24)
	e.Queries.Gets = objects / (hours / 24)
	e.Queries.Lists = 24 * partitions * math.Ceil(objects/hours/partitions/1000)
	if b := d.backup; b != nil {
		// The untransformed records, GZIP-compressed as the delivered JSON would be.
		backups := math.Ceil(hours * 3600 / b.interval * math.Max(1, math.Ceil(delivered/(hours*3600/b.interval)/b.buffer)))
		e.add("S3", "PUT requests (source record backup)", backups, S3Put, fmt.Sprintf("one object per %.0f s flush", b.interval))
		e.storage("backups", d.backups, f.events*t.GzipBytesPerEvent, backups, "objects")
	}
	if accessLogs != nil {
		// S3 batches log records into objects of its own choosing: the rules see records, not objects.
		e.storage("access logs", *accessLogs, objects*2*accessLogLineBytes, objects*2, "log records")
	}
	return objects
}

// storage prices a month's bytes arriving in objects under a prefix's lifecycle: S3 Standard until the archive
// or expiry day, Standard-IA after the archive day (at least its 30-day minimum duration, and its 128 KB minimum
// billable size), and a transition request per object moved. Expired objects cost nothing more. The store starts
// empty in month 1 and grows until expiry takes what arrives.
// https://aws.amazon.com/s3/pricing/ and
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
func (e *Estimate) storage(what string, l lifecycle, bytes, objects float64, of string) {
	gb := bytes / gib / Month.Hours() // an hour
	perObject := bytes / objects
	expire, kept := forever, "kept until deleted"
	if l.expireDays > 0 {
		expire, kept = l.expireDays*24, fmt.Sprintf("expire after %g days", l.expireDays)
	}
	size := fmt.Sprintf("%s %s of %.1f KB", quantity(objects), of, perObject/1024)
	archive := l.archiveDays > 0 && perObject >= l.minTransition
	if !archive {
		note := fmt.Sprintf("%s a month, %s", size, kept)
		if l.archiveDays > 0 {
			note += fmt.Sprintf("; none moves to Standard-IA, S3 moves no object under %.0f KB", l.minTransition/1024)
		}
		e.grows("S3", "storage, "+what, byMonth(func(m int) float64 { return gb * held(m, 0, expire) }), S3Storage, note)
		return
	}
	at := l.archiveDays * 24
	e.grows("S3", "storage, "+what, byMonth(func(m int) float64 { return gb * held(m, 0, at) }), S3Storage,
		fmt.Sprintf("%s a month, %g days in Standard", size, l.archiveDays))
	// An object deleted before 30 days in Standard-IA is billed the rest of them; one under 128 KB as 128 KB.
	until := max(expire, at+30*24)
	iaGB := gb * max(1, 128<<10/perObject)
	e.grows("S3", "storage, "+what+" (Standard-IA)", byMonth(func(m int) float64 { return iaGB * held(m, at, until) }), S3InfrequentStorage,
		fmt.Sprintf("from day %g, %s (30-day minimum)", l.archiveDays, kept))
	perHour := objects / Month.Hours()
	e.grows("S3", "transitions, "+what, byMonth(func(m int) float64 { return perHour * reaching(m, at) }), S3Transition,
		fmt.Sprintf("one request per object, from day %g", l.archiveDays))
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
		e.fixed("CloudWatch", "alarms", float64(s.alarms), Alarm, "")
	}
	if s.dashboards > 0 {
		e.fixed("CloudWatch", "dashboard", float64(s.dashboards), Dashboard, "")
	}
	if s.keys > 0 {
		e.fixed("KMS", "customer-managed keys", float64(s.keys), KMSKey, "the alarm topic's and, with encryption=kms, the data key; a key given by kmsKeyArn is billed where it was created")
	}
	if s.topics > 0 {
		e.fixed("SNS", "alarm e-mails", 0, EmailNotifications, "a healthy month sends none")
	}
}

// keyRequests prices the KMS requests the services make for the data: Kinesis asks for a data key about every
// five minutes for each producer and consumer credential, with aws/kinesis as with a customer key
// (https://docs.aws.amazon.com/streams/latest/dev/costs-performance.html); S3 asks once per object without a
// Bucket Key, and with one once per Bucket Key lifetime, which S3 does not publish: taken as the same five
// minutes for the delivery role that writes the objects (an assumption, printed with the item).
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
func (e *Estimate) keyRequests(s stack, objects []float64) {
	perCredential := Month.Hours() * 12 // one every five minutes
	var requests float64
	var from []string
	if s.streamKey {
		credentials := 1 + float64(len(s.deliveries)) // the producer and each delivery stream's source role
		requests += credentials * perCredential
		from = append(from, fmt.Sprintf("the stream: %.0f credentials x %.0f (one every 5 min)", credentials, perCredential))
	}
	for n, d := range s.deliveries {
		switch {
		case !d.owned || !d.bucketKMS:
		case d.bucketKey:
			requests += perCredential
			from = append(from, fmt.Sprintf("S3 with a Bucket Key: %.0f (one every 5 min, an assumption)", perCredential))
		default:
			requests += objects[n]
			from = append(from, fmt.Sprintf("S3 without a Bucket Key: one per object, %.0f", objects[n]))
		}
	}
	if requests > 0 {
		e.add("KMS", "requests", requests, KMSRequests, strings.Join(from, "; "))
	}
}

// item is the estimate's item of that service and name, or a zero Item.
func (e *Estimate) item(service, what string) Item {
	for _, i := range e.Items {
		if i.Service == service && i.What == what {
			return i
		}
	}
	return Item{}
}

// queries prices one run of a saved query over a day of delivered objects, with Athena's minimum, and the S3
// GET and LIST requests it makes (one GET per object read, an assumption: Parquet readers may make more).
func (e *Estimate) queries(n int) {
	if n == 0 {
		return
	}
	e.Queries.Count = n
	e.Queries.USD = math.Max(e.Queries.ScannedBytes, athenaMinimum)/1e12*AthenaScanned.USD +
		e.Queries.Gets/S3Get.Per*S3Get.USD + e.Queries.Lists/S3List.Per*S3List.USD
}
