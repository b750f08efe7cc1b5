package streamwriter

import (
	"sync"
	"time"
)

// bucket is a token bucket that may go into debt: a reservation always succeeds and says how long to wait until
// the tokens it took would have been there. Debt lets a 1 MiB record through a smaller burst.
type bucket struct {
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

func (b *bucket) reserve(now time.Time, n float64) time.Duration {
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	b.tokens -= n
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}

// pacer keeps the writes to each shard within its records-per-second and bytes-per-second limits, so that a send
// as fast as possible runs near the stream's capacity instead of into throttling.
type pacer struct {
	mu     sync.Mutex
	shards []shardBudget
	now    func() time.Time
}

type shardBudget struct{ records, bytes bucket }

// burstWindow is how much of a second's budget may go out at once: small enough that a shard never sees much
// more than its per-second limit in any one second, large enough to fill whole batches.
const burstWindow = 0.1

func newPacer(shards int, recordsPerSecond, bytesPerSecond float64, now func() time.Time) *pacer {
	p := &pacer{shards: make([]shardBudget, shards), now: now}
	t := now()
	for i := range p.shards {
		p.shards[i] = shardBudget{
			records: bucket{rate: recordsPerSecond, burst: recordsPerSecond * burstWindow, tokens: recordsPerSecond * burstWindow, last: t},
			bytes:   bucket{rate: bytesPerSecond, burst: bytesPerSecond * burstWindow, tokens: bytesPerSecond * burstWindow, last: t},
		}
	}
	return p
}

// refund gives back the budget of a record the shard throttled: it used none of the shard's capacity, and its
// re-send reserves again. Without the refund a throttled stream would be paced below its limits.
func (p *pacer) refund(shard, size int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &p.shards[shard]
	s.records.tokens = min(s.records.burst, s.records.tokens+1)
	s.bytes.tokens = min(s.bytes.burst, s.bytes.tokens+float64(size))
}

// reserve takes one record of size bytes from shard's budget and returns how long the caller should wait before
// sending it. A nil pacer never waits.
func (p *pacer) reserve(shard, size int) time.Duration {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	s := &p.shards[shard]
	return max(s.records.reserve(now, 1), s.bytes.reserve(now, float64(size)))
}
