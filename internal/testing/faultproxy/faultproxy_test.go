package faultproxy

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestOpeningFaultsComeFirst: with every probability at zero, the opening faults still happen, one per request in
// order, and the requests after them pass through.
func TestOpeningFaultsComeFirst(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"FailedRecordCount":0,"Records":[{"SequenceNumber":"1","ShardId":"shardId-000000000000"}]}`))
	}))
	defer upstream.Close()
	p := Start(Faults{Opening: []Fault{ServerError, DropBefore, DropAfter}, UpstreamBaseURL: upstream.URL})
	defer p.Close()
	put := func() (int, error) {
		req, _ := http.NewRequest(http.MethodPost, p.URL, strings.NewReader(`{"StreamName":"s","Records":[{"Data":"eA==","PartitionKey":"k"}]}`))
		req.Header.Set("X-Amz-Target", "Kinesis_20131202.PutRecords")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if code, err := put(); err != nil || code < 500 {
		t.Errorf("request 1: %d, %v; want a server error", code, err)
	}
	for i := 2; i <= 3; i++ {
		if _, err := put(); err == nil {
			t.Errorf("request %d was answered; want a dropped connection", i)
		}
	}
	if code, err := put(); err != nil || code != http.StatusOK {
		t.Errorf("request 4: %d, %v; want it passed through", code, err)
	}
	if c := p.Counts(); c.Requests != 4 || c.ServerErrors != 1 || c.DroppedBefore != 1 || c.DroppedAfter != 1 || c.AmbiguousRecords != 1 {
		t.Errorf("counts %+v", c)
	}
}
