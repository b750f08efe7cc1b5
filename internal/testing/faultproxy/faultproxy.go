// Package faultproxy is a test-only HTTP proxy between a Kinesis client and a Kinesis endpoint that injects the
// failures a real stream produces: per-record ProvisionedThroughputExceededException (only the other records are
// forwarded), whole-request 500/503 answers, and dropped connections, some before and some after forwarding.
//
// A connection dropped after forwarding is an ambiguous failure: the stream stored the records but the client
// cannot know, so its retry may duplicate them. The proxy counts those records so tests can bound duplicates.
package faultproxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kplread"
)

// Faults are the probabilities (0..1) of each injected failure, applied to PutRecords requests only.
type Faults struct {
	ThrottleRecord float64 // per record: answer ProvisionedThroughputExceededException, do not forward it
	ServerError    float64 // per request: answer 500 or 503 without forwarding
	DropBefore     float64 // per request: close the connection without forwarding
	DropAfter      float64 // per request: forward, then close the connection instead of answering
	// Opening are the faults of the first PutRecords requests, in order, before the probabilities decide: each
	// kind listed then happens at least once, however few requests the client makes and however concurrent
	// requests interleave their draws.
	Opening         []Fault
	Seed            uint64
	UpstreamBaseURL string // e.g. http://127.0.0.1:4567
}

// Fault is one request-level fault, for Faults.Opening.
type Fault int

// The request-level faults.
const (
	drawn       Fault = iota // no fault set: the probabilities decide
	ServerError              // answer 500 or 503 without forwarding
	DropBefore               // close the connection without forwarding
	DropAfter                // forward, then close the connection instead of answering
)

// Counts say what the proxy injected.
type Counts struct {
	Requests, ThrottledRecords, ServerErrors, DroppedBefore, DroppedAfter int
	AmbiguousRecords                                                      int // records forwarded in DropAfter requests
	AmbiguousEvents                                                       int // user records in them (aggregates unpacked)
}

// Proxy is a running fault proxy.
type Proxy struct {
	URL    string
	server *httptest.Server
	faults Faults
	client *http.Client

	mu     sync.Mutex
	rng    *rand.Rand
	counts Counts
}

// Start serves the proxy on a loopback port.
func Start(f Faults) *Proxy {
	p := &Proxy{faults: f, rng: rand.New(rand.NewPCG(f.Seed, f.Seed+1)), client: &http.Client{}}
	p.server = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.server.URL
	return p
}

// Close stops the proxy.
func (p *Proxy) Close() { p.server.Close() }

// Counts returns what was injected so far.
func (p *Proxy) Counts() Counts {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts
}

func (p *Proxy) chance(prob float64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rng.Float64() < prob
}

func (p *Proxy) count(f func(*Counts)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.counts)
}

type putRecordsRequest struct {
	Records    []json.RawMessage `json:"Records"`
	StreamName string            `json:"StreamName,omitempty"`
	StreamARN  string            `json:"StreamARN,omitempty"`
}

type putRecordsResponse struct {
	FailedRecordCount int               `json:"FailedRecordCount"`
	Records           []json.RawMessage `json:"Records"`
	EncryptionType    string            `json:"EncryptionType,omitempty"`
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if !strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".PutRecords") {
		p.relay(w, r, body)
		return
	}
	fault := drawn
	p.count(func(c *Counts) {
		c.Requests++
		if c.Requests <= len(p.faults.Opening) {
			fault = p.faults.Opening[c.Requests-1]
		}
	})
	switch {
	case fault == ServerError || fault == drawn && p.chance(p.faults.ServerError):
		p.count(func(c *Counts) { c.ServerErrors++ })
		status := http.StatusInternalServerError
		if p.chance(0.5) {
			status = http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type":"%s","message":"injected by faultproxy"}`, map[int]string{500: "InternalFailure", 503: "ServiceUnavailable"}[status])
		return
	case fault == DropBefore || fault == drawn && p.chance(p.faults.DropBefore):
		p.count(func(c *Counts) { c.DroppedBefore++ })
		drop(w)
		return
	}

	var req putRecordsRequest
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	throttled := make([]bool, len(req.Records))
	var forward []json.RawMessage
	for i, rec := range req.Records {
		if p.chance(p.faults.ThrottleRecord) {
			throttled[i] = true
			continue
		}
		forward = append(forward, rec)
	}
	var upstream putRecordsResponse
	if len(forward) > 0 {
		fwd := req
		fwd.Records = forward
		fwdBody, _ := json.Marshal(fwd)
		resp, status, err := p.forward(r, fwdBody)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		if status != http.StatusOK {
			w.WriteHeader(status)
			w.Write(resp)
			return
		}
		if fault == DropAfter || fault == drawn && p.chance(p.faults.DropAfter) {
			events := userRecords(forward)
			p.count(func(c *Counts) { c.DroppedAfter++; c.AmbiguousRecords += len(forward); c.AmbiguousEvents += events })
			drop(w)
			return
		}
		if err := json.Unmarshal(resp, &upstream); err != nil || len(upstream.Records) != len(forward) {
			http.Error(w, fmt.Sprintf("unexpected upstream answer %q", resp), http.StatusBadGateway)
			return
		}
	}
	out := putRecordsResponse{FailedRecordCount: upstream.FailedRecordCount, EncryptionType: upstream.EncryptionType}
	next := 0
	for i := range req.Records {
		if throttled[i] {
			out.FailedRecordCount++
			out.Records = append(out.Records, json.RawMessage(`{"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded for shard (injected by faultproxy)"}`))
			p.count(func(c *Counts) { c.ThrottledRecords++ })
			continue
		}
		out.Records = append(out.Records, upstream.Records[next])
		next++
	}
	data, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Write(data)
}

// userRecords counts the user records in PutRecords entries, de-aggregating KPL aggregates.
func userRecords(entries []json.RawMessage) int {
	n := 0
	for _, raw := range entries {
		var e struct {
			Data         []byte
			PartitionKey string
		}
		if json.Unmarshal(raw, &e) != nil {
			n++
			continue
		}
		users, err := kplread.Records(e.Data, e.PartitionKey)
		if err != nil {
			n++
			continue
		}
		n += len(users)
	}
	return n
}

// relay passes a request through unchanged.
func (p *Proxy) relay(w http.ResponseWriter, r *http.Request, body []byte) {
	resp, status, err := p.forward(r, body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	w.Write(resp)
}

func (p *Proxy) forward(r *http.Request, body []byte) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.faults.UpstreamBaseURL+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	for k, v := range r.Header {
		if k != "Content-Length" {
			req.Header[k] = v
		}
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return data, resp.StatusCode, err
}

// drop closes the client's connection without an answer.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}
