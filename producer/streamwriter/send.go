package streamwriter

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// send delivers one batch, re-sending throttled and failed records with backoff until all are accepted or
// further attempts are abandoned.
func (w *Writer) send(batch []entry) {
	pending := batch
attempts:
	for attempt := 1; len(pending) > 0; attempt++ {
		if attempt > 1 {
			w.retried.Add(eventsIn(pending))
			if !w.sleep(backoff(attempt-1, w.opts.BaseBackoff, w.opts.MaxBackoff)) {
				break
			}
			for _, e := range pending {
				// Re-sent records use shard capacity again, so they are paced like new ones.
				w.wait(w.pacer.reserve(e.shard, e.size()))
			}
		}
		entries := make([]types.PutRecordsRequestEntry, len(pending))
		for i, e := range pending {
			entries[i] = types.PutRecordsRequestEntry{Data: e.Data, PartitionKey: aws.String(e.PartitionKey)}
			if e.hashKey != "" {
				entries[i].ExplicitHashKey = aws.String(e.hashKey)
			}
		}
		w.requests.Add(1)
		out, err := w.api.PutRecords(w.sendCtx, &kinesis.PutRecordsInput{StreamName: aws.String(w.opts.Stream), Records: entries}, noSDKRetries)
		if err != nil {
			switch classify(err) {
			case throttle:
				w.throttled.Add(eventsIn(pending))
				for _, e := range pending {
					w.pacer.refund(e.shard, e.size())
				}
				continue
			case retry:
				continue
			case fatal:
				w.setFatal(fmt.Errorf("PutRecords to stream %s: %w", w.opts.Stream, err))
			}
			break attempts // abandoned or fatal
		}
		if len(out.Records) != len(pending) {
			// Without a result per record nothing is known to be accepted: send them all again.
			continue
		}
		var again []entry
		for i, res := range out.Records {
			e := pending[i]
			if res.ErrorCode == nil {
				w.accepted.Add(e.events)
				w.records.Add(1)
				w.bytes.Add(int64(len(e.Data)))
				continue
			}
			switch classifyCode(*res.ErrorCode) {
			case throttle:
				w.throttled.Add(e.events)
				w.pacer.refund(e.shard, e.size())
				again = append(again, e)
			case retry:
				again = append(again, e)
			default:
				w.failed.Add(e.events)
				w.setFatal(fmt.Errorf("stream %s rejected a record: %s: %s", w.opts.Stream, *res.ErrorCode, aws.ToString(res.ErrorMessage)))
			}
		}
		pending = again
	}
	// Whatever is still pending was abandoned (closed, or a fatal error).
	w.failed.Add(eventsIn(pending))
}

// noSDKRetries leaves every retry decision to send: the SDK's retryer would re-send whole batches on its own
// schedule and give up after three attempts, which would hide throttling from the pacing and the counters.
func noSDKRetries(o *kinesis.Options) { o.Retryer = aws.NopRetryer{} }

// sleep waits d unless retries are abandoned first; it reports whether to go on.
func (w *Writer) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return w.sendCtx.Err() == nil
	case <-w.sendCtx.Done():
		return false
	}
}

// backoff is "full jitter" exponential backoff: uniform in [0, min(max, base*2^(n-1))].
func backoff(n int, base, maxDelay time.Duration) time.Duration {
	d := maxDelay
	if n < 30 {
		d = min(maxDelay, base<<(n-1))
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}
