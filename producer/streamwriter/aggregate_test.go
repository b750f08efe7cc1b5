package streamwriter

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kplread"
)

// userRecords de-aggregates every entry the fake received, with the independent reader, in order.
func userRecords(t *testing.T, f *fakeAPI) (entries []types.PutRecordsRequestEntry, users [][]kplread.UserRecord) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, req := range f.requests {
		for _, e := range req {
			recs, err := kplread.Records(e.Data, *e.PartitionKey)
			if err != nil {
				t.Fatalf("de-aggregate: %v", err)
			}
			entries = append(entries, e)
			users = append(users, recs)
		}
	}
	return entries, users
}

// aggOptions aggregate with a long linger, so that aggregates close by size (or at Close), not by the clock.
func aggOptions() Options {
	o := fastOptions()
	o.Aggregate = true
	o.Linger = time.Second
	return o
}

// TestAggregatesNeverMixShards sends tenant-keyed records to a 4-shard stream: every aggregate's user records
// hash to the shard its explicit hash key names, and every record arrives exactly once.
func TestAggregatesNeverMixShards(t *testing.T) {
	f := newFake(4)
	w, err := New(t.Context(), f, aggOptions())
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]Record, 5000)
	for i := range recs {
		recs[i] = Record{Data: []byte(fmt.Sprintf(`{"n":%d,"pad":"%s"}`+"\n", i, strings.Repeat("p", 300))), PartitionKey: fmt.Sprintf("tenant-id-%d", i%13)}
	}
	putAll(t, w, recs)
	st := closeWriter(t, w)
	if st.Put != 5000 || st.Accepted != 5000 || st.Failed != 0 {
		t.Fatalf("stats %+v", st)
	}
	entries, users := userRecords(t, f)
	if st.Records != int64(len(entries)) || len(entries) >= 5000/50 {
		t.Fatalf("%d Kinesis records for 5000 events (stats say %d): not aggregated", len(entries), st.Records)
	}
	m := &shardMap{}
	for _, s := range f.shards {
		k, _ := parseHashKey(*s.HashKeyRange.StartingHashKey)
		m.starts = append(m.starts, k)
	}
	seen := map[string]int{}
	for i, e := range entries {
		if e.ExplicitHashKey == nil {
			t.Fatalf("aggregate %d has no explicit hash key", i)
		}
		ehk, err := parseHashKey(*e.ExplicitHashKey)
		if err != nil {
			t.Fatal(err)
		}
		shard := shardOfHash(m, ehk)
		if len(users[i]) < 2 {
			t.Errorf("entry %d carries %d records", i, len(users[i]))
		}
		for _, u := range users[i] {
			if got := m.shardOf(u.PartitionKey); got != shard {
				t.Fatalf("aggregate %d (shard %d by its hash key) holds a record of shard %d (%s)", i, shard, got, u.PartitionKey)
			}
			seen[string(u.Data)]++
		}
		if size := len(e.Data) + len(*e.PartitionKey); size > DefaultAggregateBytes {
			t.Errorf("aggregate %d is %d bytes with its key, over the %d target", i, size, DefaultAggregateBytes)
		}
	}
	for _, r := range recs {
		if seen[string(r.Data)] != 1 {
			t.Fatalf("record %q arrived %d times", r.Data[:12], seen[string(r.Data)])
		}
	}
}

// shardOfHash is shardOf for a hash key (an explicit one).
func shardOfHash(m *shardMap, h hashKey) int {
	i := 0
	for i+1 < len(m.starts) && !h.less(m.starts[i+1]) {
		i++
	}
	return i
}

// TestAggregateLimits checks the edges: at the largest target each aggregate with its key is within the 1 MiB
// record limit; a record too big to share goes alone and unaggregated; requests stay within 500 records and 5 MiB.
func TestAggregateLimits(t *testing.T) {
	f := newFake(1)
	o := aggOptions()
	o.AggregateBytes = MaxAggregateBytes
	w, err := New(t.Context(), f, o)
	if err != nil {
		t.Fatal(err)
	}
	var recs []Record
	for i := range 12 {
		recs = append(recs, Record{Data: []byte(fmt.Sprintf("%03d", i) + strings.Repeat("x", 300<<10)), PartitionKey: strings.Repeat("k", lab.MaxPartitionKeyLen)})
	}
	// One record that cannot share: alone it fills the target.
	recs = append(recs, Record{Data: []byte("big" + strings.Repeat("y", MaxAggregateBytes-10)), PartitionKey: "solo"})
	putAll(t, w, recs)
	st := closeWriter(t, w)
	if st.Accepted != int64(len(recs)) {
		t.Fatalf("stats %+v", st)
	}
	entries, users := userRecords(t, f)
	total := 0
	for i, e := range entries {
		if size := len(e.Data) + len(*e.PartitionKey); size > lab.MaxRecordBytes {
			t.Errorf("entry %d: %d bytes with its key, over the record limit", i, size)
		}
		total += len(users[i])
		if *e.PartitionKey == "solo" && (kplread.IsAggregated(e.Data) || e.ExplicitHashKey != nil) {
			t.Error("the oversized record was aggregated")
		}
	}
	if total != len(recs) {
		t.Fatalf("%d records arrived, want %d", total, len(recs))
	}

	// Many small aggregates: a request holds at most 500 records and 5 MiB.
	f = newFake(8)
	o = aggOptions()
	o.AggregateBytes = MinAggregateBytes
	if w, err = New(t.Context(), f, o); err != nil {
		t.Fatal(err)
	}
	putAll(t, w, numbered(30000, 100))
	if st := closeWriter(t, w); st.Accepted != 30000 {
		t.Fatalf("stats %+v", st)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	full := false
	for i, req := range f.requests {
		size := 0
		for _, e := range req {
			size += len(e.Data) + len(*e.PartitionKey)
		}
		if len(req) > lab.MaxBatchRecords || size > lab.MaxBatchBytes {
			t.Errorf("request %d: %d records, %d bytes", i, len(req), size)
		}
		full = full || len(req) == lab.MaxBatchRecords
	}
	if !full {
		t.Error("no request reached 500 aggregates: the edge was not exercised")
	}
}

// TestAggregateAccountingCountsEvents: throttled aggregates are retried and count their events; an aggregate
// refused for good counts all its events as failed; nothing is counted twice.
func TestAggregateAccountingCountsEvents(t *testing.T) {
	f := newFake(1)
	f.respond = func(call int, entries []types.PutRecordsRequestEntry) (map[int]string, error) {
		if call == 0 {
			return map[int]string{0: "ProvisionedThroughputExceededException"}, nil
		}
		return nil, nil
	}
	w, err := New(t.Context(), f, aggOptions())
	if err != nil {
		t.Fatal(err)
	}
	putAll(t, w, numbered(100, 50))
	st := closeWriter(t, w)
	if st.Accepted != 100 || st.Records != 1 || st.Throttled != 100 || st.Retried != 100 || st.Failed != 0 {
		t.Fatalf("one aggregate of 100 throttled once: %+v", st)
	}

	f = newFake(1)
	f.respond = func(int, []types.PutRecordsRequestEntry) (map[int]string, error) {
		return map[int]string{0: "KMSAccessDeniedException"}, nil
	}
	if w, err = New(t.Context(), f, aggOptions()); err != nil {
		t.Fatal(err)
	}
	putAll(t, w, numbered(100, 50))
	st, err = w.Close(t.Context())
	if err == nil || st.Failed != 100 || st.Accepted != 0 || st.Put != 100 {
		t.Fatalf("refused aggregate: %v %+v", err, st)
	}
}

func TestAggregateSizeIsValidated(t *testing.T) {
	for _, n := range []int{MinAggregateBytes - 1, MaxAggregateBytes + 1} {
		o := aggOptions()
		o.AggregateBytes = n
		if _, err := New(t.Context(), newFake(1), o); err == nil || !strings.Contains(err.Error(), "aggregate size") {
			t.Errorf("AggregateBytes %d: %v", n, err)
		}
	}
}

func TestHashKeyString(t *testing.T) {
	for _, s := range []string{"0", "1", "340282366920938463463374607431768211455", "170141183460469231731687303715884105728"} {
		k, err := parseHashKey(s)
		if err != nil || k.String() != s {
			t.Errorf("%s -> %v -> %s", s, err, k.String())
		}
	}
}
