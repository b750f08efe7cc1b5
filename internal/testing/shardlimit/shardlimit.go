// Package shardlimit is a test-only Kinesis endpoint that enforces the real per-shard write limits: 1,000 records
// and 1 MiB (data plus partition key) per second per shard, answering per-record
// ProvisionedThroughputExceededException beyond them. It speaks enough of the Kinesis JSON API (ListShards,
// PutRecords) for the producer, routes records by their explicit hash key or else the MD5 of their partition key
// like Kinesis, and counts what it stored by event id, de-aggregating KPL aggregated records as a consumer would,
// so tests can check loss and duplicates.
//
// It routes independently of the producer's own code (math/big, not streamwriter), so it can catch routing bugs.
package shardlimit

import (
	"bytes"
	"crypto/md5"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kplread"
)

// Per-shard limits, per one-second window.
const (
	RecordsPerSecond = 1000
	BytesPerSecond   = 1 << 20
)

// Server is a running endpoint.
type Server struct {
	URL    string
	server *httptest.Server
	starts []*big.Int
	start  time.Time

	mu          sync.Mutex
	windows     []window
	stored      map[string]int // event id -> times stored
	total       int            // user records stored
	storedBytes int            // data plus partition key bytes of the Kinesis records stored
	throttle    int
	misrouted   int // user records inside an aggregate that hash to another shard than the aggregate
}

type window struct {
	second         int64
	records, bytes int
}

// Start serves a stream of n shards with evenly split hash key ranges on a loopback port.
func Start(n int) *Server {
	s := &Server{windows: make([]window, n), stored: map[string]int{}, start: time.Now()}
	space := new(big.Int).Lsh(big.NewInt(1), 128)
	for i := 0; i < n; i++ {
		st := new(big.Int).Mul(space, big.NewInt(int64(i)))
		s.starts = append(s.starts, st.Div(st, big.NewInt(int64(n))))
	}
	s.server = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.server.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.server.Close() }

// Stored returns how many times each event id was stored, and the totals of stored and throttled records.
func (s *Server) Stored() (byID map[string]int, stored, throttled int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byID = make(map[string]int, len(s.stored))
	for k, v := range s.stored {
		byID[k] = v
	}
	return byID, s.total, s.throttle
}

// StoredBytes is the data plus partition key bytes of every Kinesis record stored: what counts against the
// shards' byte limit.
func (s *Server) StoredBytes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.storedBytes
}

// Misrouted counts user records that an aggregate carried to a shard their own partition key does not hash to.
func (s *Server) Misrouted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.misrouted
}

func (s *Server) shardOf(key string) int {
	sum := md5.Sum([]byte(key))
	return s.shardOfHash(new(big.Int).SetBytes(sum[:]))
}

func (s *Server) shardOfHash(h *big.Int) int {
	i := len(s.starts) - 1
	for i > 0 && h.Cmp(s.starts[i]) < 0 {
		i--
	}
	return i
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch {
	case strings.HasSuffix(target, ".ListShards"):
		var shards []string
		space := new(big.Int).Lsh(big.NewInt(1), 128)
		for i, st := range s.starts {
			end := new(big.Int).Sub(space, big.NewInt(1))
			if i+1 < len(s.starts) {
				end.Sub(s.starts[i+1], big.NewInt(1))
			}
			shards = append(shards, fmt.Sprintf(`{"ShardId":"shardId-%012d","HashKeyRange":{"StartingHashKey":"%s","EndingHashKey":"%s"},"SequenceNumberRange":{"StartingSequenceNumber":"0"}}`, i, st, end))
		}
		fmt.Fprintf(w, `{"Shards":[%s]}`, strings.Join(shards, ","))
	case strings.HasSuffix(target, ".PutRecords"):
		s.putRecords(w, r)
	default:
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"UnknownOperationException","message":"%s"}`, target)
	}
}

func (s *Server) putRecords(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Records []struct {
			Data            []byte
			PartitionKey    string
			ExplicitHashKey string
		}
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"SerializationException","message":%q}`, err.Error())
		return
	}
	now := int64(time.Since(s.start) / time.Second)
	var out bytes.Buffer
	failed := 0
	s.mu.Lock()
	for i, rec := range req.Records {
		if i > 0 {
			out.WriteByte(',')
		}
		shard := s.shardOf(rec.PartitionKey)
		if rec.ExplicitHashKey != "" {
			h, ok := new(big.Int).SetString(rec.ExplicitHashKey, 10)
			if !ok {
				failed++
				out.WriteString(`{"ErrorCode":"InvalidArgumentException","ErrorMessage":"bad ExplicitHashKey"}`)
				continue
			}
			shard = s.shardOfHash(h)
		}
		users, err := kplread.Records(rec.Data, rec.PartitionKey)
		if err != nil {
			failed++
			fmt.Fprintf(&out, `{"ErrorCode":"InvalidArgumentException","ErrorMessage":%q}`, err.Error())
			continue
		}
		win := &s.windows[shard]
		if win.second != now {
			*win = window{second: now}
		}
		size := len(rec.Data) + len(rec.PartitionKey)
		if win.records+1 > RecordsPerSecond || win.bytes+size > BytesPerSecond {
			failed++
			s.throttle++
			out.WriteString(`{"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded for shard"}`)
			continue
		}
		win.records++
		win.bytes += size
		s.storedBytes += size
		for _, u := range users {
			s.total++
			s.stored[eventID(u.Data)]++
			if s.shardOf(u.PartitionKey) != shard {
				s.misrouted++
			}
		}
		fmt.Fprintf(&out, `{"SequenceNumber":"%d","ShardId":"shardId-%012d"}`, s.total, shard)
	}
	s.mu.Unlock()
	fmt.Fprintf(w, `{"FailedRecordCount":%d,"Records":[%s]}`, failed, out.Bytes())
}

// eventID extracts metadata.event_id from an event line without a full decode.
func eventID(data []byte) string {
	const marker = `"event_id":"`
	i := bytes.Index(data, []byte(marker))
	if i < 0 {
		return string(data)
	}
	rest := data[i+len(marker):]
	if j := bytes.IndexByte(rest, '"'); j >= 0 {
		return string(rest[:j])
	}
	return string(rest)
}
