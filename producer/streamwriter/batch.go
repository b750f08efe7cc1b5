package streamwriter

import (
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/kpl"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// entry is one Kinesis record as it is sent: a user record, or an aggregate of several bound for one shard.
type entry struct {
	Record         // data and partition key as sent
	hashKey string // ExplicitHashKey; "" lets Kinesis hash the partition key
	shard   int    // the shard it is paced against
	events  int64  // user records it carries
}

func eventsIn(entries []entry) int64 {
	var n int64
	for _, e := range entries {
		n += e.events
	}
	return n
}

// batch turns the record queue into batches of Kinesis records: full ones at once, partial ones after the linger
// time. With aggregation, records first go into their shard's open aggregate, which is sealed into a Kinesis
// record when the next one would not fit, and at the linger time.
func (w *Writer) batch() {
	var batch []entry
	var size int
	buffered := false // a partial batch or an open aggregate is waiting for the linger time
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if w.sendCtx.Err() != nil {
			w.failed.Add(eventsIn(batch))
		} else {
			select {
			case w.batches <- batch:
			case <-w.sendCtx.Done():
				w.failed.Add(eventsIn(batch))
			}
		}
		batch, size = nil, 0
	}
	emit := func(e entry) {
		if len(batch) == lab.MaxBatchRecords || size+e.size() > lab.MaxBatchBytes {
			flush()
		}
		w.wait(w.pacer.reserve(e.shard, e.size()))
		batch = append(batch, e)
		size += e.size()
	}
	var aggs []kpl.Aggregate
	if w.opts.Aggregate {
		aggs = make([]kpl.Aggregate, len(w.shards.starts))
	}
	seal := func(shard int) {
		a := &aggs[shard]
		if a.Len() == 0 {
			return
		}
		key := a.FirstKey()
		// The explicit hash key is the first record's, as the KPL sets it: inside the shard's range, since every
		// record of the aggregate hashes there.
		emit(entry{Record: Record{Data: a.Encode(), PartitionKey: key}, hashKey: partitionHash(key).String(), shard: shard, events: int64(a.Len())})
		a.Reset()
	}
	sealAll := func() {
		for i := range aggs {
			seal(i)
		}
	}
	for {
		select {
		case r, ok := <-w.in:
			if !ok {
				sealAll()
				flush()
				return
			}
			if w.sendCtx.Err() != nil {
				w.failed.Add(1) // abandoned: the writer failed or its close deadline passed
				continue
			}
			if !buffered {
				linger.Reset(w.opts.Linger)
				buffered = true
			}
			shard := w.shards.shardOf(r.PartitionKey)
			if !w.opts.Aggregate {
				emit(entry{Record: r, shard: shard, events: 1})
				continue
			}
			a := &aggs[shard]
			if a.Len() > 0 && !a.Fits(r.PartitionKey, len(r.Data), w.opts.AggregateBytes) {
				seal(shard)
			}
			if !a.Fits(r.PartitionKey, len(r.Data), w.opts.AggregateBytes) {
				emit(entry{Record: r, shard: shard, events: 1}) // too big to share an aggregate: it goes alone
				continue
			}
			a.Add(r.PartitionKey, r.Data)
		case <-linger.C:
			sealAll()
			flush()
			buffered = false
		}
	}
}

// minSleep batches up small pacing waits: sleeping per record at 1,000 records/s would cost more than it paces.
const minSleep = 5 * time.Millisecond

// wait sleeps off pacing debt once it is worth a timer.
func (w *Writer) wait(d time.Duration) {
	if d < minSleep {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-w.sendCtx.Done():
	}
}
