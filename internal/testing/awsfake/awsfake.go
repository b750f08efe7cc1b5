// Package awsfake is a test stand-in for AWS APIs that have no emulator here: one loopback HTTP server that
// speaks the wire protocols aws-sdk-go-v2 uses (JSON 1.1 with X-Amz-Target, Smithy RPC v2 CBOR, AWS query with
// XML answers, and REST JSON by path) and answers each operation with what the test registered for it. Point the
// SDK at it with AWS_ENDPOINT_URL. An operation nobody registered fails the request and the test.
package awsfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/smithy-go/encoding/cbor"
)

// Request is what an operation handler sees: the operation's name and its decoded input (JSON and CBOR bodies
// as maps, query forms as their first values, REST requests as the path).
type Request struct {
	Operation string
	Input     map[string]any
}

// Response is a handler's answer: Body is encoded in the request's protocol (a map for JSON and CBOR, an XML
// string for query), or Error (a service error code) with Status and, optionally, the message in Body.
type Response struct {
	Body   any
	Error  string // e.g. ResourceNotFoundException; empty for success
	Status int    // default 200, or 400 with Error
}

// Handler answers one operation.
type Handler func(Request) Response

// Server is the stand-in.
type Server struct {
	URL string
	t   testing.TB

	mu       sync.Mutex
	handlers map[string]Handler
}

// Start serves until the test ends.
func Start(t testing.TB) *Server {
	s := &Server{t: t, handlers: map[string]Handler{}}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Handle registers the answer to an operation, e.g. "DescribeDeliveryStream".
func (s *Server) Handle(operation string, h Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[operation] = h
}

// restRoutes maps the REST JSON operations labcheck uses to their paths.
var restRoutes = map[string]string{"/2016-08-19/account-settings": "GetAccountSettings"}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req Request
	var proto string
	switch {
	case r.Header.Get("X-Amz-Target") != "":
		proto = "json"
		target := r.Header.Get("X-Amz-Target")
		req.Operation = target[strings.LastIndex(target, ".")+1:]
		_ = json.Unmarshal(body, &req.Input)
	case strings.Contains(r.URL.Path, "/operation/"):
		proto = "cbor"
		req.Operation = r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		if len(body) > 0 {
			v, err := cbor.Decode(body)
			if err != nil {
				s.t.Errorf("awsfake: bad CBOR body for %s: %v", req.Operation, err)
			}
			req.Input, _ = fromCBOR(v).(map[string]any)
		}
	case restRoutes[r.URL.Path] != "":
		proto = "rest"
		req.Operation = restRoutes[r.URL.Path]
		req.Input = map[string]any{"path": r.URL.Path}
	default:
		proto = "query"
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		_ = r.ParseForm()
		req.Operation = r.Form.Get("Action")
		req.Input = map[string]any{}
		for k, v := range r.Form {
			req.Input[k] = v[0]
		}
	}

	s.mu.Lock()
	h := s.handlers[req.Operation]
	s.mu.Unlock()
	if h == nil {
		s.t.Errorf("awsfake: unexpected %s call %s %v", proto, req.Operation, req.Input)
		http.Error(w, "no handler for "+req.Operation, http.StatusNotImplemented)
		return
	}
	resp := h(req)
	status := resp.Status
	if status == 0 {
		status = http.StatusOK
		if resp.Error != "" {
			status = http.StatusBadRequest
		}
	}
	switch proto {
	case "json", "rest":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if resp.Error != "" {
			w.Header().Set("X-Amzn-ErrorType", resp.Error)
			resp.Body = map[string]any{"__type": resp.Error, "message": errorMessage(resp)}
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(resp.Body)
	case "cbor":
		w.Header().Set("Content-Type", "application/cbor")
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		if resp.Error != "" {
			resp.Body = map[string]any{"__type": resp.Error, "message": errorMessage(resp)}
		}
		w.WriteHeader(status)
		_, _ = w.Write(cbor.Encode(toCBOR(resp.Body)))
	case "query":
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		if resp.Error != "" {
			fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>1</RequestId></ErrorResponse>`, resp.Error, resp.Body)
			return
		}
		fmt.Fprint(w, resp.Body)
	}
}

// errorMessage is an error response's message: its Body when that is a string, else a generic one.
func errorMessage(resp Response) string {
	if msg, ok := resp.Body.(string); ok {
		return msg
	}
	return resp.Error + " (awsfake)"
}

// toCBOR converts JSON-like Go values (maps, slices, strings, numbers, bools) to CBOR values.
func toCBOR(v any) cbor.Value {
	switch x := v.(type) {
	case nil:
		return &cbor.Nil{}
	case map[string]any:
		m := cbor.Map{}
		for k, e := range x {
			m[k] = toCBOR(e)
		}
		return m
	case []any:
		l := make(cbor.List, len(x))
		for i, e := range x {
			l[i] = toCBOR(e)
		}
		return l
	case []map[string]any:
		l := make(cbor.List, len(x))
		for i, e := range x {
			l[i] = toCBOR(e)
		}
		return l
	case string:
		return cbor.String(x)
	case bool:
		return cbor.Bool(x)
	case int:
		if x < 0 {
			return cbor.NegInt(uint64(-x))
		}
		return cbor.Uint(uint64(x))
	case float64:
		return cbor.Float64(x)
	}
	panic(fmt.Sprintf("awsfake: no CBOR for %T", v))
}

// fromCBOR converts decoded CBOR values to JSON-like Go values.
func fromCBOR(v cbor.Value) any {
	switch x := v.(type) {
	case cbor.Map:
		m := map[string]any{}
		for k, e := range x {
			m[k] = fromCBOR(e)
		}
		return m
	case cbor.List:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = fromCBOR(e)
		}
		return l
	case cbor.String:
		return string(x)
	case cbor.Bool:
		return bool(x)
	case cbor.Uint:
		return float64(x)
	case cbor.NegInt:
		return -float64(x)
	case cbor.Float64:
		return float64(x)
	case cbor.Float32:
		return float64(x)
	}
	return nil
}
