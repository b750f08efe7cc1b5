package streamwriter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// fakeAPI is an in-memory Kinesis that records every request; respond decides each PutRecords outcome.
type fakeAPI struct {
	mu       sync.Mutex
	shards   []types.Shard
	requests [][]types.PutRecordsRequestEntry
	accepted map[string]int // data -> times accepted
	respond  func(call int, entries []types.PutRecordsRequestEntry) (failed map[int]string, err error)
}

func newFake(shards int) *fakeAPI {
	f := &fakeAPI{accepted: map[string]int{}}
	f.shards = evenShards(shards)
	return f
}

// evenShards splits the hash key space evenly, as CreateStream does.
func evenShards(n int) []types.Shard {
	var out []types.Shard
	for i := 0; i < n; i++ {
		start := new(big.Int).Lsh(big.NewInt(1), 128)
		start.Mul(start, big.NewInt(int64(i)))
		start.Div(start, big.NewInt(int64(n)))
		out = append(out, types.Shard{
			ShardId:             aws.String(fmt.Sprintf("shardId-%012d", i)),
			HashKeyRange:        &types.HashKeyRange{StartingHashKey: aws.String(start.String()), EndingHashKey: aws.String("0")},
			SequenceNumberRange: &types.SequenceNumberRange{StartingSequenceNumber: aws.String("1")},
		})
	}
	return out
}

func (f *fakeAPI) ListShards(ctx context.Context, in *kinesis.ListShardsInput, _ ...func(*kinesis.Options)) (*kinesis.ListShardsOutput, error) {
	return &kinesis.ListShardsOutput{Shards: f.shards}, nil
}

func (f *fakeAPI) PutRecords(ctx context.Context, in *kinesis.PutRecordsInput, _ ...func(*kinesis.Options)) (*kinesis.PutRecordsOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	call := len(f.requests)
	f.requests = append(f.requests, in.Records)
	var failed map[int]string
	if f.respond != nil {
		var err error
		if failed, err = f.respond(call, in.Records); err != nil {
			return nil, err
		}
	}
	out := &kinesis.PutRecordsOutput{}
	for i, e := range in.Records {
		if code, ok := failed[i]; ok {
			out.Records = append(out.Records, types.PutRecordsResultEntry{ErrorCode: aws.String(code), ErrorMessage: aws.String("fake")})
			out.FailedRecordCount = aws.Int32(aws.ToInt32(out.FailedRecordCount) + 1)
			continue
		}
		f.accepted[string(e.Data)]++
		out.Records = append(out.Records, types.PutRecordsResultEntry{SequenceNumber: aws.String("1"), ShardId: aws.String("shardId-000000000000")})
	}
	return out, nil
}

func fastOptions() Options {
	return Options{Stream: "s", BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Linger: 5 * time.Millisecond, NoPacing: true}
}

func putAll(t *testing.T, w *Writer, recs []Record) {
	t.Helper()
	for _, r := range recs {
		if err := w.Put(t.Context(), r); err != nil {
			t.Fatalf("put: %v", err)
		}
	}
}

func numbered(n, size int) []Record {
	recs := make([]Record, n)
	for i := range recs {
		data := bytes.Repeat([]byte{'x'}, size)
		copy(data, fmt.Sprintf("%d;", i))
		recs[i] = Record{Data: data, PartitionKey: fmt.Sprintf("k%d", i)}
	}
	return recs
}

func closeWriter(t *testing.T, w *Writer) Stats {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	st, err := w.Close(ctx)
	if err != nil {
		t.Fatalf("close: %v", err)
	}
	return st
}

func TestBatchRecordLimitEdges(t *testing.T) {
	for _, tc := range []struct{ records, wantRequests int }{{500, 1}, {501, 2}, {1000, 2}} {
		t.Run(fmt.Sprintf("%d records", tc.records), func(t *testing.T) {
			f := newFake(1)
			opts := fastOptions()
			opts.Linger = time.Second // only the record limit may cut batches
			opts.QueueSize = 2000
			w, err := New(t.Context(), f, opts)
			if err != nil {
				t.Fatal(err)
			}
			putAll(t, w, numbered(tc.records, 10))
			st := closeWriter(t, w)
			if len(f.requests) != tc.wantRequests || st.Accepted != int64(tc.records) {
				t.Errorf("%d records: %d requests, %d accepted; want %d requests", tc.records, len(f.requests), st.Accepted, tc.wantRequests)
			}
			for _, r := range f.requests {
				if len(r) > lab.MaxBatchRecords {
					t.Errorf("request of %d records", len(r))
				}
			}
		})
	}
}

func TestBatchByteLimitEdges(t *testing.T) {
	// Five records of exactly 1 MiB each (data + 2-byte key) fill one request to exactly 5 MiB; a sixth opens another.
	const key = "kk"
	rec := func(i int) Record {
		d := bytes.Repeat([]byte{byte('a' + i)}, lab.MaxRecordBytes-len(key))
		return Record{Data: d, PartitionKey: key}
	}
	for _, tc := range []struct{ records, wantRequests int }{{5, 1}, {6, 2}} {
		t.Run(fmt.Sprintf("%d records", tc.records), func(t *testing.T) {
			f := newFake(1)
			opts := fastOptions()
			opts.Linger = time.Second
			w, err := New(t.Context(), f, opts)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < tc.records; i++ {
				if err := w.Put(t.Context(), rec(i)); err != nil {
					t.Fatal(err)
				}
			}
			closeWriter(t, w)
			if len(f.requests) != tc.wantRequests {
				t.Errorf("%d MiB records: %d requests, want %d", tc.records, len(f.requests), tc.wantRequests)
			}
			for _, r := range f.requests {
				n := 0
				for _, e := range r {
					n += len(e.Data) + len(*e.PartitionKey)
				}
				if n > lab.MaxBatchBytes {
					t.Errorf("request of %d bytes", n)
				}
			}
		})
	}
}

func TestRecordLimitEdges(t *testing.T) {
	f := newFake(1)
	w, err := New(t.Context(), f, fastOptions())
	if err != nil {
		t.Fatal(err)
	}
	ok := []Record{
		{Data: make([]byte, lab.MaxRecordBytes-1), PartitionKey: "k"},
		{Data: []byte("x"), PartitionKey: strings.Repeat("p", lab.MaxPartitionKeyLen)},
	}
	bad := []Record{
		{Data: make([]byte, lab.MaxRecordBytes), PartitionKey: "k"},
		{Data: []byte("x"), PartitionKey: strings.Repeat("p", lab.MaxPartitionKeyLen+1)},
		{Data: []byte("x"), PartitionKey: ""},
	}
	for _, r := range ok {
		if err := w.Put(t.Context(), r); err != nil {
			t.Errorf("record of %d+%d bytes rejected: %v", len(r.Data), len(r.PartitionKey), err)
		}
	}
	for _, r := range bad {
		if err := w.Put(t.Context(), r); err == nil {
			t.Errorf("record of %d+%d bytes accepted", len(r.Data), len(r.PartitionKey))
		}
	}
	if st := closeWriter(t, w); st.Put != 2 || st.Accepted != 2 {
		t.Errorf("stats %+v", st)
	}
}

// TestPerRecordFailuresAreRetried fails a third of the records of each first attempt, with both transient codes.
func TestPerRecordFailuresAreRetried(t *testing.T) {
	f := newFake(1)
	seen := map[string]int{}
	f.respond = func(call int, entries []types.PutRecordsRequestEntry) (map[int]string, error) {
		failed := map[int]string{}
		for i, e := range entries {
			seen[string(e.Data)]++
			if seen[string(e.Data)] == 1 && i%3 == 0 {
				failed[i] = []string{"ProvisionedThroughputExceededException", "InternalFailure"}[i%2]
			}
		}
		return failed, nil
	}
	w, err := New(t.Context(), f, fastOptions())
	if err != nil {
		t.Fatal(err)
	}
	recs := numbered(2000, 50)
	putAll(t, w, recs)
	st := closeWriter(t, w)
	if st.Accepted != 2000 || st.Failed != 0 || st.Retried == 0 || st.Throttled == 0 {
		t.Fatalf("stats %+v", st)
	}
	for _, r := range recs {
		if n := f.accepted[string(r.Data)]; n != 1 {
			t.Fatalf("record %q accepted %d times", r.Data[:8], n)
		}
	}
	if st.Retried < st.Throttled {
		t.Errorf("retried %d < throttled %d", st.Retried, st.Throttled)
	}
}

// TestWholeRequestErrorsAreRetried returns throttling, 5xx and connection errors for whole requests.
func TestWholeRequestErrorsAreRetried(t *testing.T) {
	errs := []error{
		&types.ProvisionedThroughputExceededException{Message: aws.String("slow down")},
		httpError(500), httpError(503),
		&net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")},
	}
	f := newFake(1)
	f.respond = func(call int, _ []types.PutRecordsRequestEntry) (map[int]string, error) {
		if call < len(errs) {
			return nil, errs[call]
		}
		return nil, nil
	}
	w, err := New(t.Context(), f, fastOptions())
	if err != nil {
		t.Fatal(err)
	}
	putAll(t, w, numbered(10, 10))
	st := closeWriter(t, w)
	if st.Accepted != 10 || st.Requests != int64(len(errs)+1) {
		t.Fatalf("stats %+v", st)
	}
}

func TestNonRetryableErrorStopsWithExactCounts(t *testing.T) {
	f := newFake(1)
	f.respond = func(call int, _ []types.PutRecordsRequestEntry) (map[int]string, error) {
		if call == 0 {
			return nil, nil
		}
		return nil, &types.ResourceNotFoundException{Message: aws.String("Stream s not found")}
	}
	opts := fastOptions()
	opts.MaxInFlight = 1
	w, err := New(t.Context(), f, opts)
	if err != nil {
		t.Fatal(err)
	}
	var putErr error
	put := 0
	for i, r := range numbered(3000, 10) {
		if putErr = w.Put(t.Context(), r); putErr != nil {
			break
		}
		put = i + 1
		if i == 600 {
			time.Sleep(50 * time.Millisecond) // let the first batches fail
		}
	}
	st, err := w.Close(t.Context())
	if err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("close error %v", err)
	}
	if putErr == nil {
		t.Error("Put kept accepting records after a fatal error")
	}
	if st.Put != int64(put) || st.Accepted+st.Failed != st.Put || st.Accepted != 500 {
		t.Fatalf("stats %+v (put %d): every record must be accepted or failed", st, put)
	}
}

func TestCloseDeadlineAbandonsRetriesAndCountsThem(t *testing.T) {
	f := newFake(1)
	f.respond = func(_ int, entries []types.PutRecordsRequestEntry) (map[int]string, error) {
		failed := map[int]string{}
		for i := range entries {
			failed[i] = "ProvisionedThroughputExceededException"
		}
		return failed, nil
	}
	w, err := New(t.Context(), f, fastOptions())
	if err != nil {
		t.Fatal(err)
	}
	putAll(t, w, numbered(100, 10))
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	st, err := w.Close(ctx)
	if err != nil {
		t.Fatalf("abandoning at the deadline is not a fatal error: %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("close took %v after its deadline", time.Since(start))
	}
	if st.Failed != 100 || st.Accepted != 0 || st.InFlight() != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want verdict
	}{
		{&types.ProvisionedThroughputExceededException{}, throttle},
		{&types.KMSThrottlingException{}, throttle},
		{&smithy.GenericAPIError{Code: "ThrottlingException"}, throttle},
		{httpError(500), retry},
		{httpError(502), retry},
		{httpError(503), retry},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, retry},
		{&smithy.GenericAPIError{Code: "InternalFailure"}, retry},
		{context.Canceled, abandon},
		{fmt.Errorf("wrapped: %w", context.DeadlineExceeded), abandon},
		{&types.ResourceNotFoundException{}, fatal},
		{&types.InvalidArgumentException{}, fatal},
		{&smithy.GenericAPIError{Code: "AccessDeniedException"}, fatal},
		{&types.KMSAccessDeniedException{}, fatal},
		{httpError(400), fatal},
	} {
		t.Run(fmt.Sprintf("%T %v", tc.err, tc.err), func(t *testing.T) {
			if got := classify(tc.err); got != tc.want {
				t.Errorf("classify(%T %v) = %d, want %d", tc.err, tc.err, got, tc.want)
			}
		})
	}
	for code, want := range map[string]verdict{
		"ProvisionedThroughputExceededException": throttle, "KMSThrottlingException": throttle,
		"InternalFailure": retry, "SomethingNew": retry, "KMSAccessDeniedException": fatal, "KMSDisabledException": fatal,
	} {
		if got := classifyCode(code); got != want {
			t.Errorf("classifyCode(%s) = %d, want %d", code, got, want)
		}
	}
}

func TestBackoffIsJitteredAndCapped(t *testing.T) {
	for n := 1; n < 40; n++ {
		limit := min(2*time.Second, (100*time.Millisecond)<<min(n-1, 29))
		for i := 0; i < 50; i++ {
			if d := backoff(n, 100*time.Millisecond, 2*time.Second); d < 0 || d > limit {
				t.Fatalf("backoff(%d) = %v, want within [0, %v]", n, d, limit)
			}
		}
	}
	distinct := map[time.Duration]bool{}
	for i := 0; i < 20; i++ {
		distinct[backoff(3, 100*time.Millisecond, 2*time.Second)] = true
	}
	if len(distinct) < 10 {
		t.Error("backoff is not jittered")
	}
}

func httpError(status int) error {
	return &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: fmt.Errorf("status %d", status)}
}
