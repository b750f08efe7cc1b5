package test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/gendoc"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/labcheck/cost"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/traffic"
)

// The traffic model the hand arithmetic below uses (traffic.Measure, from 20,000 seeded generated events).
const (
	eventBytes   = 318.57585 // mean NDJSON bytes per event
	gzipBytes    = 13.60175  // GZIP bytes per event in 1 MiB objects
	perAggregate = 75.598    // events in one 25,000-byte KPL aggregate
	parquetBytes = 8.8112    // Parquet bytes per event in objects of 1 MiB of records
)

// TestCostModelIsWhatTheArithmeticAssumes: the hand-computed totals below rest on these figures.
func TestCostModelIsWhatTheArithmeticAssumes(t *testing.T) {
	m := traffic.Measure()
	if math.Abs(m.EventBytes-eventBytes) > 0.001 || math.Abs(m.GzipBytesPerEvent-gzipBytes) > 0.001 || math.Abs(m.EventsPerAggregate-perAggregate) > 0.001 ||
		math.Abs(m.ParquetBytesPerEvent-parquetBytes) > 0.001 {
		t.Fatalf("the event model changed (%+v): redo the arithmetic in TestCostOfConfigurations", m)
	}
}

// TestCostOfConfigurations checks the estimate of synthesized configurations against totals worked out by hand.
// Common figures: a month is 730 h; the producer runs 43,800 times (one a minute) for a 40 s window (its 50 s
// timeout less the 10 s reserve) and is billed 41 s at 128 MB arm64: 43,800 x 41 x 0.125 = 224,475 GB-s x
// $0.0000133334 = $2.9931; requests 43,800 x $0.20/M = $0.0088; logs 43,800 x 600 B = 0.024475 GiB x $0.50 =
// $0.0122. Events at rate r: r x 40 x 43,800. Firehose bills each record as 5 KB (5,120 B) per GiB at $0.029.
// The stream's key (aws/kinesis too) costs KMS requests: two credentials (the producer's, Firehose's) asking every
// 5 minutes, 2 x 8,760 = 17,520 x $0.03/10,000 = $0.0526, whenever events flow.
func TestCostOfConfigurations(t *testing.T) {
	// One row of the docs table per configuration, each from its subtest: under -short they skip (synthesis needs
	// node), and gendoc.Parts then compares nothing rather than a partial table.
	table := gendoc.NewParts(t, "| configuration | month 1 | month 12 | month 1 after the always-free tier |\n| --- | ---: | ---: | ---: |\n")
	for _, tc := range []struct {
		name      string
		overrides map[string]string
		items     map[string]float64 // "Service what" -> monthly USD
		total     float64
	}{
		// 1 shard: 730 x $0.015 = $10.95. 17,520,000 events: PUT 17.52 M x $0.014/M = $0.2453; Firehose 17.52 M x
		// 5,120 B = 83.5419 GiB x $0.029 = $2.4227; 43,800 objects (one per 60 s flush) x $0.005/1,000 = $0.219;
		// storage 17.52 M x 13.60175 B / 2 = 0.11097 GiB x $0.023 = $0.0026 (no access logs in lab mode); 6 alarms
		// (5 + the error prefix's) x $0.10 = $0.60; dashboard $3.00.
		// Total 10.95 + 2.9931 + 0.0088 + 0.0122 + 0.2453 + 2.4227 + 0.219 + 0.0026 + 0.0526 + 0.6 + 3 = 20.5061.
		{"default", labDefaults, map[string]float64{"Kinesis provisioned shards": 10.95, "Lambda producer compute": 2.9931,
			"Kinesis PUT payload units": 0.2453, "Firehose ingestion": 2.4227, "S3 PUT requests (delivered objects)": 0.219,
			"S3 storage, delivered objects": 0.0026, "KMS requests": 0.0526, "CloudWatch alarms": 0.6, "CloudWatch dashboard": 3}, 20.5061},
		// A tenth of the traffic: PUT $0.0245, Firehose $0.2423, storage $0.0003; the rest as default.
		// 10.95 + 2.9931 + 0.0088 + 0.0122 + 0.0245 + 0.2423 + 0.219 + 0.0003 + 0.0526 + 0.6 + 3 = 18.1026.
		{"producerRate=1", map[string]string{"producerRate": "1"}, map[string]float64{"Kinesis PUT payload units": 0.0245, "Firehose ingestion": 0.2423}, 18.1026},
		// 4 shards: 2,920 shard-hours = $43.80. 7,008,000,000 events: PUT $98.112; Firehose 7.008e9 x 5,120 B =
		// 33,416.7 GiB x $0.029 = $969.0857; a 60 s flush holds 4000 x 40 x 318.58 B = 50.97 MB, 49 objects of
		// 1 MiB: 43,800 x 49 = 2,146,200 x $0.005/1,000 = $10.731; storage 7.008e9 x 13.60175 / 2 = 44.39 GiB x
		// $0.023 = $1.0209. 43.8 + 2.9931 + 0.0088 + 0.0122 + 98.112 + 969.0857 + 10.731 + 1.0209 + 0.0526 + 0.6 + 3
		// = 1129.4162.
		{"shardCount=4 producerRate=4000", map[string]string{"shardCount": "4", "producerRate": "4000"},
			map[string]float64{"Kinesis provisioned shards": 43.8, "Kinesis PUT payload units": 98.112, "Firehose ingestion": 969.0857, "S3 PUT requests (delivered objects)": 10.731}, 1129.4162},
		// Aggregated: records/s = max(4000 / 75.598 = 52.9, min(4000, 4 shards x 20 linger windows/s = 80)) = 80,
		// each of 4000 x 318.58 / 80 = 15,929 B: PUT 80 x 40 x 43,800 = 140.16 M units x $0.014/M = $1.9622;
		// Firehose 140.16 M x 20,480 B (15,929 rounded up to 5 KB) = 2,673.3 GiB x $0.029 = $77.5269.
		// 43.8 + 2.9931 + 0.0088 + 0.0122 + 1.9622 + 77.5269 + 10.731 + 1.0209 + 0.0526 + 0.6 + 3 = 141.7076.
		{"shardCount=4 producerRate=4000 producerAggregate=true", map[string]string{"shardCount": "4", "producerRate": "4000", "producerAggregate": "true"},
			map[string]float64{"Kinesis PUT payload units": 1.9622, "Firehose ingestion": 77.5269}, 141.7076},
		// Dynamic partitioning: 17.52 M x 318.58 B = 5.198 GiB x $0.020 = $0.104; 10 tenants x 43,800 flushes =
		// 438,000 objects x $0.005/1,000 = $2.19 (and the same S3 PUTs, $2.19); JQ 1 h x $0.07; the
		// partition-limit alarm $0.10. 20.5061 - 0.219 + 0.104 + 2.19 + 0.07 + 2.19 + 0.1 = 24.9411.
		{"partitioning=tenant", variants["tenant-partitioning"], map[string]float64{"Firehose dynamic partitioning, data": 0.104,
			"Firehose dynamic partitioning, objects": 2.19, "Firehose dynamic partitioning, JQ": 0.07, "S3 PUT requests (delivered objects)": 2.19, "CloudWatch alarms": 0.7}, 24.9411},
		// No producer: no Lambda, no traffic (no KMS requests either): 10.95 + 5 alarms x $0.10 + 3 = 14.45.
		{"producer=false", variants["no-producer"], map[string]float64{"CloudWatch alarms": 0.5}, 14.45},
		// No monitoring: 20.5061 - 0.6 - 3 = 16.9061.
		{"monitoring=false", map[string]string{"monitoring": "false"}, nil, 16.9061},
		// Parquet: format conversion bills the ingested GB again, 83.5419 GiB x $0.018 = $1.5038 (same records,
		// 5 KB each); the 64 MiB buffer still flushes every 60 s; the conversion alarm $0.10; Parquet stores
		// 17.52 M x 8.8112 B / 2 = 0.071885 GiB x $0.023 = $0.0017 instead of GZIP's $0.0026. 20.5061 + 1.5038 + 0.1 -
		// 0.0026 + 0.0017 = 22.109.
		{"format=parquet", variants["parquet"], map[string]float64{"Firehose format conversion": 1.5038, "CloudWatch alarms": 0.7,
			"S3 storage, delivered objects": 0.0017}, 22.109},
		// The alarm topic's key: 20.5061 + 1 = 21.5061.
		{"alarmEmail", variants["alarm-email"], map[string]float64{"KMS customer-managed keys": 1}, 21.5061},
		// The data key of encryption=kms: $1, and S3's requests through its Bucket Key, one every 5 minutes: 8,760 more,
		// 26,280 x $0.03/10,000 = $0.0788. 20.5061 - 0.0526 + 1 + 0.0788 = 21.5323. A key given by ARN is billed to
		// its owner, but the requests made with it are this account's: 20.5061 - 0.0526 + 0.0788 = 20.5323.
		{"encryption=kms", variants["kms"], map[string]float64{"KMS customer-managed keys": 1, "KMS requests": 0.0788}, 21.5323},
		{"kmsKeyArn", variants["kms-existing-key"], map[string]float64{"KMS requests": 0.0788}, 20.5323},
		// On demand: no shard-hours or PUT payload units; 730 stream-hours x $0.04 = $29.20; data in 17.52 M records
		// of 319 B, each billed as 1 KB: 17.52 M x 1,024 B = 16.7084 GiB x $0.08 = $1.3367; the delivery stream
		// reads it all, 16.7084 GiB x $0.04 = $0.6683. 20.5061 - 10.95 - 0.2453 + 29.2 + 1.3367 + 0.6683 = 40.5158.
		{"streamMode=on-demand", variants["on-demand"], map[string]float64{"Kinesis on-demand streams": 29.2,
			"Kinesis on-demand data in": 1.3367, "Kinesis on-demand data out": 0.6683, "Kinesis provisioned shards": 0, "Kinesis PUT payload units": 0}, 40.5158},
		// A referenced stream's shard-hours and key are its owner's: 20.5061 - 10.95 - 0.0526 = 9.5035 (the
		// producer's PUT payload units stay, priced as a provisioned stream's).
		{"streamArn", variants["existing-stream"], map[string]float64{"Kinesis provisioned shards": 0, "Kinesis PUT payload units": 0.2453}, 9.5035},
		// The transformer: one invocation per 60 s batch (the month's 5.58 GB would fill 1 MiB batches only 5,323
		// times), 43,800 x 50 ms x 0.125 GB = 273.75 GB-s x $0.0000133334 = $0.0037; requests 43,800 x $0.20/M =
		// $0.0088; logs 43,800 x 500 B = 0.020396 GiB x $0.50 = $0.0102; two alarms $0.20. No Firehose charge.
		// 20.5061 + 0.0037 + 0.0088 + 0.0102 + 0.2 = 20.7288.
		{"transform=redact", variants["transform"], map[string]float64{"Lambda transformer compute": 0.0037,
			"Lambda transformer requests": 0.0088, "CloudWatch transformer log ingestion": 0.0102, "CloudWatch alarms": 0.8}, 20.7288},
		// And the backup: one object per 300 s flush (637 KB each), 8,760 x $0.005/1,000 = $0.0438; storage as the
		// delivered GZIP, $0.0026. 20.7288 + 0.0438 + 0.0026 = 20.7752.
		{"transform=redact backup=true", variants["transform-backup"], map[string]float64{"S3 PUT requests (source record backup)": 0.0438,
			"S3 storage, backups": 0.0026}, 20.7752},
		// Sixty days kept, archived from day 30: month 1 as the default (nothing is 30 days old before hour 720, and
		// the minute's objects of 5.3 KB are under the 128 KB S3 moves), 20.5061.
		{"dataRetentionDays=60 archiveAfterDays=30", variants["lifecycle"], map[string]float64{"S3 storage, delivered objects": 0.0026}, 20.5061},
	} {
		table.Run(tc.name, func(t *testing.T) string {
			e, err := cost.FromAssembly(synth(t, tc.overrides).outdir, traffic.Measure())
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]float64{}
			for _, i := range e.Items {
				got[i.Service+" "+i.What] = i.Monthly()
			}
			for item, want := range tc.items {
				if math.Abs(got[item]-want) > 0.0001 {
					t.Errorf("%s: $%.4f, by hand $%.4f", item, got[item], want)
				}
			}
			if math.Abs(e.Total()-tc.total) > 0.001 {
				var out bytes.Buffer
				e.Write(&out)
				t.Errorf("total $%.4f, by hand $%.4f\n%s", e.Total(), tc.total, out.String())
			}
			if tc.name == "producer=false" {
				for item := range got {
					if strings.HasPrefix(item, "Lambda") || strings.HasPrefix(item, "Firehose") || strings.Contains(item, "PUT") {
						t.Errorf("producer=false still prices %s", item)
					}
				}
			}
			if tc.name == "monitoring=false" && (got["CloudWatch alarms"] != 0 || got["CloudWatch dashboard"] != 0) {
				t.Errorf("monitoring=false still prices alarms or the dashboard")
			}
			return fmt.Sprintf("| `%s` | $%.2f | $%.2f | $%.2f |\n", tc.name, e.Total(), e.TotalIn(cost.Months), e.FreeTierIn(1))
		})
	}
	generatedParts(t, table, "deploying.md", "TestCostOfConfigurations")
}

// TestCostSectionIsCurrent keeps the docs' default estimate equal to the command's output on the lab golden
// template, and the README's figures equal to its totals: month 1 (and a day of it), month 12, after the free
// tier, and the fixed part.
func TestCostSectionIsCurrent(t *testing.T) {
	e, err := cost.FromResources(goldenResourceList(t, "lab"), traffic.Measure())
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	e.Write(&out)
	generatedSection(t, "deploying.md", "TestCostSectionIsCurrent", "```text\n$ go run ./labcheck cost cdk.out\n"+out.String()+"```\n")
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{fmt.Sprintf("$%.2f a month", e.Total()), fmt.Sprintf("about $%.2f a day", e.Total()/730*24),
		fmt.Sprintf("$%.2f by month\n12", e.TotalIn(cost.Months)), fmt.Sprintf("$%.2f after the always-free tier", e.FreeTierIn(1)),
		fmt.Sprintf("$%.2f of it (the shard, the dashboard and the\nalarms) runs whether or not anything is sent", e.FixedIn(1))} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README.md does not say %q (the estimate of the default configuration)", want)
		}
	}
}

// TestCostDeltaOfShards: the delta of shardCount 1 -> 4 is three shards' hours exactly.
func TestCostDeltaOfShards(t *testing.T) {
	one, err := cost.FromAssembly(synth(t, labDefaults).outdir, traffic.Measure())
	if err != nil {
		t.Fatal(err)
	}
	four, err := cost.FromAssembly(synth(t, map[string]string{"shardCount": "4"}).outdir, traffic.Measure())
	if err != nil {
		t.Fatal(err)
	}
	if d := four.Total() - one.Total(); math.Abs(d-3*730*0.015) > 1e-9 {
		t.Errorf("delta $%.4f, want three shards' 2,190 hours x $0.015 = $32.85", d)
	}
	if c := cost.Changes(one, four); len(c) != 1 || !strings.Contains(c[0], "Kinesis provisioned shards") || !strings.Contains(c[0], "(+$32.85, +300.0%)") {
		t.Errorf("changes %v", c)
	}
}

// TestCostRefusesAnUnpricedType: a resource type with neither a price nor a reason to be free fails the estimate.
func TestCostRefusesAnUnpricedType(t *testing.T) {
	resources := append(goldenResourceList(t, "lab"), assembly.Resource{Type: "AWS::DynamoDB::Table"})
	if _, err := cost.FromResources(resources, traffic.Measure()); err == nil || !strings.Contains(err.Error(), "no price for resource type AWS::DynamoDB::Table") {
		t.Errorf("got %v", err)
	}
	if _, err := cost.FromResources(resources[:len(resources)-1], traffic.Measure()); err != nil {
		t.Errorf("every type of the lab template is priced or free: %v", err)
	}
}

// TestCostLinesMoveByThePriceTable: each of four keys moves the lines it should, by what the price table and the
// traffic model say, and nothing else. The amounts are derived here from cost's prices and traffic.Measure, not
// copied from the command's output. Month 1 is hours 0-730 of writes at a steady rate; month 12, hours 8,030-8,760.
func TestCostLinesMoveByThePriceTable(t *testing.T) {
	const (
		h            = 730.0
		gib          = 1 << 30
		eventsPerH   = 10 * 40 * 60.0 // 10 events/s for the 40 s window of each minute
		recordsPerMo = eventsPerH * h
	)
	m := traffic.Measure()
	base, err := cost.FromAssembly(synth(t, labDefaults).outdir, m)
	if err != nil {
		t.Fatal(err)
	}
	gzipGBPerH := eventsPerH * m.GzipBytesPerEvent / gib
	// keptFor is the mean amount (hours of writes) that a store keeping writes from age 0 to age r holds in month 1,
	// for r under a month: writes of the first r hours grow to r, then it stays at r.
	keptFor := func(r float64) float64 { return (r*r/2 + r*(h-r)) / h }
	for _, tc := range []struct {
		name      string
		overrides map[string]string
		moves     map[string][2]float64 // item -> its change in month 1 and month 12
	}{
		{"retentionHours=720", map[string]string{"retentionHours": "720"}, map[string][2]float64{
			// One shard's hours beyond 24 h, and the records 7 days to 30 days old (552 h of writes once steady).
			"Kinesis extended retention": {h * cost.ExtendedRetention.USD, h * cost.ExtendedRetention.USD},
			"Kinesis long-term retention": {
				eventsPerH * m.EventBytes / gib * (keptFor(720) - keptFor(168)) * cost.LongTermRetention.USD,
				eventsPerH * m.EventBytes / gib * (720 - 168) * cost.LongTermRetention.USD},
		}},
		{"encryption=kms", variants["kms"], map[string][2]float64{
			// The key, and S3's Bucket Key requests: one every 5 minutes.
			"KMS customer-managed keys": {cost.KMSKey.USD, cost.KMSKey.USD},
			"KMS requests":              {h * 12 / cost.KMSRequests.Per * cost.KMSRequests.USD, h * 12 / cost.KMSRequests.Per * cost.KMSRequests.USD},
		}},
		{"format=parquet", variants["parquet"], map[string][2]float64{
			// Conversion bills the ingested 5 KB records again; Parquet stores fewer bytes than GZIP JSON.
			"Firehose format conversion": {recordsPerMo * 5120 / gib * cost.FormatConversion.USD, recordsPerMo * 5120 / gib * cost.FormatConversion.USD},
			"S3 storage, delivered objects": {
				eventsPerH * (m.ParquetBytesPerEvent - m.GzipBytesPerEvent) / gib * h / 2 * cost.S3Storage.USD,
				eventsPerH * (m.ParquetBytesPerEvent - m.GzipBytesPerEvent) / gib * h * 11.5 * cost.S3Storage.USD},
			"CloudWatch alarms": {cost.Alarm.USD, cost.Alarm.USD}, // the conversion alarm
		}},
		{"dataRetentionDays=7", map[string]string{"dataRetentionDays": "7"}, map[string][2]float64{
			// Objects kept 168 h instead of forever: in month 12, 168 h of writes instead of 11.5 months'.
			"S3 storage, delivered objects": {
				gzipGBPerH * (keptFor(168) - h/2) * cost.S3Storage.USD,
				gzipGBPerH * (168 - 11.5*h) * cost.S3Storage.USD},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			head, err := cost.FromAssembly(synth(t, tc.overrides).outdir, m)
			if err != nil {
				t.Fatal(err)
			}
			moved := map[string][2]float64{}
			for _, c := range cost.Compare(base, head) {
				moved[c.Item] = [2]float64{c.New[0] - c.Base[0], c.New[1] - c.Base[1]}
			}
			for item, want := range tc.moves {
				got, ok := moved[item]
				if !ok {
					t.Errorf("%s did not move; want %+.4f and %+.4f", item, want[0], want[1])
					continue
				}
				for i, month := range []int{1, cost.Months} {
					if math.Abs(got[i]-want[i]) > 1e-6 {
						t.Errorf("%s, month %d: %+.6f, derived %+.6f", item, month, got[i], want[i])
					}
				}
			}
			for item, got := range moved {
				if _, ok := tc.moves[item]; !ok {
					t.Errorf("%s moved too: %+.4f, %+.4f", item, got[0], got[1])
				}
			}
		})
	}
}

// TestEveryItemIsPricedFromTheTable: every item of every golden configuration's estimate, and every price its
// output lists, is one of the registered prices, so each carries its page and day read (cost's
// TestEveryPriceHasASource holds the registry to that).
func TestEveryItemIsPricedFromTheTable(t *testing.T) {
	registered := cost.All()
	for _, name := range goldenNames() {
		e, err := cost.FromResources(goldenResourceList(t, name), traffic.Measure())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, i := range e.Items {
			if !slices.Contains(registered, i.Price) {
				t.Errorf("%s: %s %s is priced at %+v, not a registered price", name, i.Service, i.What, i.Price)
			}
		}
		var out bytes.Buffer
		e.Write(&out)
		for _, p := range e.Prices() {
			if !strings.Contains(out.String(), p.Page+", read "+p.Read) {
				t.Errorf("%s: the output does not give the source of %s", name, p.Unit)
			}
		}
	}
}
