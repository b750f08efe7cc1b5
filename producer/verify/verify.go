// Package verify checks what landed in S3: it reads every object under the delivery prefix, validates each
// event against the producer's schema and reports counts, duplicates, bad data and delivery delay, and counts
// the records Firehose diverted to the error prefix, with a verdict.
package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/firehoseprefix"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/lab"
)

// API is the part of the S3 client verify uses.
type API interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Options say what to verify.
type Options struct {
	Bucket      string
	Prefix      string        // default: the stack's default prefix
	ErrorPrefix string        // where Firehose writes records it could not deliver; default DefaultErrorPrefix; cut at its first !{...}
	Since       time.Duration // only objects modified this recently (0: all)
	Expect      int           // at least this many distinct events must have arrived (0: no check)
	Concurrency int           // objects read at once; default 8
	PageSize    int32         // objects per listing page; default 1000 (the S3 maximum)
	now         func() time.Time
}

// maxProblems is how many problems the report lists; all are counted.
const maxProblems = 20

// Problem is one invalid event or unreadable object.
type Problem struct {
	Key string `json:"key"`
	Position
	Reason string `json:"reason"`
}

// Delay summarizes delivery delay: object LastModified minus event timestamp, in seconds.
type Delay struct {
	P50 int64 `json:"p50"`
	P95 int64 `json:"p95"`
	Max int64 `json:"max"`
}

// Report is the verdict and everything it rests on; it is also what --json prints.
type Report struct {
	Bucket          string         `json:"bucket"`
	Prefix          string         `json:"prefix"`
	Objects         int            `json:"objects"`
	Bytes           int64          `json:"bytes"`
	Events          int            `json:"events"`
	Distinct        int            `json:"distinct_events"`
	Duplicates      int            `json:"duplicates"`
	Invalid         int            `json:"invalid"`
	WrongTenant     int            `json:"wrong_tenant_folder"` // events in another tenant's tenant_id=... folder (also invalid)
	Problems        []Problem      `json:"problems"`
	Tenants         map[string]int `json:"events_per_tenant"`
	Metrics         map[string]int `json:"events_per_metric"`
	DelaySeconds    Delay          `json:"delivery_delay_seconds"`
	NewestObject    time.Time      `json:"newest_object"`
	NewestObjectAge float64        `json:"newest_object_age_seconds"`
	Expect          int            `json:"expect,omitempty"`
	Errors          Diverted       `json:"errors"` // what lies under the error prefix, within the same --since window
	OK              bool           `json:"ok"`
	Reason          string         `json:"reason,omitempty"`
}

// Run lists, reads and checks the objects, and returns the report. The error is for failures to look at all
// (missing bucket, access denied); a negative verdict is Report.OK == false with Report.Reason.
func Run(ctx context.Context, api API, o Options) (*Report, error) {
	if o.Prefix == "" {
		o.Prefix = lab.DefaultPrefix
	}
	o.ErrorPrefix = firehoseprefix.Literal(o.ErrorPrefix)
	if o.ErrorPrefix == "" {
		o.ErrorPrefix = DefaultErrorPrefix
	}
	if o.ErrorPrefix == o.Prefix {
		return nil, fmt.Errorf("the error prefix %s is the data prefix: Firehose writes failed records elsewhere", o.ErrorPrefix)
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.PageSize <= 0 {
		o.PageSize = 1000
	}
	if o.now == nil {
		o.now = time.Now
	}
	// One prefix may lie under the other (stream/ and stream/errors/): each listing leaves out the other's keys.
	objects, err := list(ctx, api, o, o.Prefix, o.ErrorPrefix)
	if err != nil {
		return nil, describe(o.Bucket, err)
	}
	failed, err := list(ctx, api, o, o.ErrorPrefix, o.Prefix)
	if err != nil {
		return nil, describe(o.Bucket, err)
	}
	c := newCollector(o)
	type job struct {
		obj      types.Object
		diverted bool
	}
	work := make(chan job)
	var wg sync.WaitGroup
	for range o.Concurrency {
		wg.Go(func() {
			for j := range work {
				if j.diverted {
					c.readDiverted(ctx, api, j.obj)
				} else {
					c.read(ctx, api, j.obj)
				}
			}
		})
	}
	for _, obj := range failed {
		work <- job{obj: obj, diverted: true}
	}
	for _, obj := range objects {
		work <- job{obj: obj}
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.fatal != nil {
		return nil, describe(o.Bucket, c.fatal)
	}
	return c.report(), nil
}

// list returns the objects under prefix but not under exclude (when that is a longer prefix), newest first when
// Since is set.
func list(ctx context.Context, api API, o Options, prefix, exclude string) ([]types.Object, error) {
	if exclude == prefix || !strings.HasPrefix(exclude, prefix) {
		exclude = ""
	}
	var out []types.Object
	cutoff := time.Time{}
	if o.Since > 0 {
		cutoff = o.now().Add(-o.Since)
	}
	p := s3.NewListObjectsV2Paginator(api, &s3.ListObjectsV2Input{
		Bucket: aws.String(o.Bucket), Prefix: aws.String(prefix), MaxKeys: aws.Int32(o.PageSize),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, obj := range page.Contents {
			if obj.LastModified == nil || obj.LastModified.Before(cutoff) ||
				(exclude != "" && strings.HasPrefix(aws.ToString(obj.Key), exclude)) {
				continue
			}
			out = append(out, obj)
		}
	}
	if o.Since > 0 {
		sort.Slice(out, func(i, j int) bool { return out[i].LastModified.After(*out[j].LastModified) })
	}
	return out, nil
}

// collector merges what the readers find; memory grows with distinct events, not with object sizes.
type collector struct {
	o  Options
	mu sync.Mutex
	r  Report
	// ids counts copies per event id; delays holds one value per valid event for the percentiles.
	ids    map[string]int
	delays []int64
	fatal  error
}

func newCollector(o Options) *collector {
	return &collector{o: o, ids: map[string]int{}, r: Report{
		Bucket: o.Bucket, Prefix: o.Prefix, Expect: o.Expect, Problems: []Problem{},
		Tenants: map[string]int{}, Metrics: map[string]int{},
		Errors: Diverted{Prefix: o.ErrorPrefix, Types: map[string]int{}, Codes: map[string]map[string]int{},
			Samples: map[string]string{}, Problems: []Problem{}},
	}}
}

func (c *collector) problem(p Problem) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.r.Invalid++
	if len(c.r.Problems) < maxProblems {
		c.r.Problems = append(c.r.Problems, p)
	}
}

// get opens an object: an access error is fatal for the whole run (every other object would fail alike), any other
// error is one problem of that object.
func (c *collector) get(ctx context.Context, api API, obj types.Object, problem func(Problem)) (*s3.GetObjectOutput, bool) {
	out, err := api.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(c.o.Bucket), Key: obj.Key})
	if err == nil {
		return out, true
	}
	if isAccessError(err) {
		c.mu.Lock()
		c.fatal = errors.Join(c.fatal, err)
		c.mu.Unlock()
		return nil, false
	}
	problem(Problem{Key: aws.ToString(obj.Key), Reason: fmt.Sprintf("cannot read: %v", err)})
	return nil, false
}

func (c *collector) read(ctx context.Context, api API, obj types.Object) {
	key := aws.ToString(obj.Key)
	out, ok := c.get(ctx, api, obj, c.problem)
	if !ok {
		return
	}
	defer out.Body.Close()
	counted := &countingReader{r: out.Body}
	modified := aws.ToTime(obj.LastModified)
	folder := tenantFolder(key)
	decode := Decode
	if IsParquet(key) {
		decode = DecodeParquet
	}
	decode(counted, func(e *event.Event, pos Position) {
		if folder != "" && e.Tenant.ID != folder {
			c.problem(Problem{Key: key, Position: pos, Reason: fmt.Sprintf("event of tenant %s in the folder of tenant %s", e.Tenant.ID, folder)})
			c.mu.Lock()
			c.r.WrongTenant++
			c.mu.Unlock()
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		c.r.Events++
		c.ids[e.Metadata.EventID]++
		c.r.Tenants[e.Tenant.ID]++
		c.r.Metrics[e.Metric.Name]++
		c.delays = append(c.delays, modified.Unix()-e.Timestamp)
	}, func(pos Position, reason string) {
		c.problem(Problem{Key: key, Position: pos, Reason: reason})
	})
	_, _ = io.Copy(io.Discard, out.Body) // let the connection be reused
	c.mu.Lock()
	defer c.mu.Unlock()
	c.r.Objects++
	c.r.Bytes += counted.n
	if modified.After(c.r.NewestObject) {
		c.r.NewestObject = modified
	}
}

// readDiverted counts the records of one object under the error prefix by error type. Its unreadable parts
// (corrupt GZIP, lines that are not JSON) each count as one record of type unknown and are reported against
// its key: something was diverted even when it cannot be read.
func (c *collector) readDiverted(ctx context.Context, api API, obj types.Object) {
	key := aws.ToString(obj.Key)
	fromKey := errorTypeOf(c.o.ErrorPrefix, key)
	unreadable := func(p Problem) {
		c.mu.Lock()
		defer c.mu.Unlock()
		d := &c.r.Errors
		d.Unread++
		d.Records++
		countBounded(d.Types, UnknownErrorType)
		if len(d.Problems) < maxProblems {
			d.Problems = append(d.Problems, p)
		}
	}
	out, ok := c.get(ctx, api, obj, func(p Problem) {
		unreadable(p)
		c.mu.Lock()
		c.r.Errors.Objects++
		c.mu.Unlock()
	})
	if !ok {
		return
	}
	defer out.Body.Close()
	counted := &countingReader{r: out.Body}
	decodeErrorRecords(counted, func(e *errorRecord, _ Position) {
		t, code := fromKey, e.code()
		if t == "" {
			t = code
		}
		if t == "" {
			t = UnknownErrorType
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		d := &c.r.Errors
		d.Records++
		t = countBounded(d.Types, t)
		if code != "" {
			codes := d.Codes[t]
			if codes == nil {
				codes = map[string]int{}
				d.Codes[t] = codes
			}
			countBounded(codes, code)
		}
		if msg := e.message(); msg != "" && d.Samples[t] == "" {
			d.Samples[t] = cut(msg)
		}
	}, func(pos Position, reason string) {
		unreadable(Problem{Key: key, Position: pos, Reason: reason})
	})
	_, _ = io.Copy(io.Discard, out.Body) // let the connection be reused
	c.mu.Lock()
	defer c.mu.Unlock()
	c.r.Errors.Objects++
	c.r.Errors.Bytes += counted.n
}

// tenantFolder is the tenant of a per-tenant layout's object (a tenant_id=<id>/ folder in its key), or "".
func tenantFolder(key string) string {
	for _, segment := range strings.Split(key, "/") {
		if id, ok := strings.CutPrefix(segment, lab.TenantColumn+"="); ok {
			return id
		}
	}
	return ""
}

func (c *collector) report() *Report {
	r := c.r
	r.Distinct = len(c.ids)
	for _, n := range c.ids {
		r.Duplicates += n - 1
	}
	if len(c.delays) > 0 {
		slices.Sort(c.delays)
		at := func(q float64) int64 { return c.delays[min(len(c.delays)-1, int(q*float64(len(c.delays))))] }
		r.DelaySeconds = Delay{P50: at(0.50), P95: at(0.95), Max: c.delays[len(c.delays)-1]}
	}
	if !r.NewestObject.IsZero() {
		r.NewestObjectAge = c.o.now().Sub(r.NewestObject).Seconds()
	}
	switch {
	case r.Objects == 0:
		r.Reason = fmt.Sprintf("no objects under s3://%s/%s", r.Bucket, r.Prefix)
	case r.WrongTenant > 0:
		r.Reason = fmt.Sprintf("%d events in another tenant's %s=... folder", r.WrongTenant, lab.TenantColumn)
	case r.Invalid > 0:
		r.Reason = fmt.Sprintf("%d invalid events or unreadable objects", r.Invalid)
	case r.Expect > 0 && r.Distinct < r.Expect:
		r.Reason = fmt.Sprintf("%d distinct events arrived, expected at least %d", r.Distinct, r.Expect)
	default:
		r.OK = true
	}
	// Firehose diverting records is the likelier cause of any other failure, so its sentence leads.
	if r.Errors.Records > 0 {
		reason := r.Errors.reason(r.Bucket)
		if !r.OK {
			reason += "; " + r.Reason
		}
		r.OK, r.Reason = false, reason
	}
	return &r
}

// Text renders the report for people.
func (r *Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "s3://%s/%s: %d objects, %d bytes, %d events (%d distinct, %d duplicates), %d invalid\n",
		r.Bucket, r.Prefix, r.Objects, r.Bytes, r.Events, r.Distinct, r.Duplicates, r.Invalid)
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "  invalid: %s line %d offset %d: %s\n", p.Key, p.Line, p.Offset, p.Reason)
	}
	if more := r.Invalid - len(r.Problems); more > 0 {
		fmt.Fprintf(&b, "  ... and %d more\n", more)
	}
	fmt.Fprintf(&b, "per tenant: %s\n", counts(r.Tenants))
	fmt.Fprintf(&b, "per metric: %s\n", counts(r.Metrics))
	if r.Events > 0 {
		fmt.Fprintf(&b, "delivery delay: p50 %ds, p95 %ds, max %ds; newest object %.0fs old\n",
			r.DelaySeconds.P50, r.DelaySeconds.P95, r.DelaySeconds.Max, r.NewestObjectAge)
	}
	r.Errors.text(&b, r.Bucket)
	if r.OK {
		b.WriteString("OK")
		if r.Expect > 0 {
			fmt.Fprintf(&b, ": at least %d distinct events arrived", r.Expect)
		}
	} else {
		b.WriteString("FAILED: " + r.Reason)
	}
	b.WriteString("\n")
	return b.String()
}

func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func isAccessError(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode() == "AccessDenied" || apiErr.ErrorCode() == "NoSuchBucket")
}

// describe turns listing errors into the sentence a person needs.
func describe(bucket string, err error) error {
	var noBucket *types.NoSuchBucket
	var apiErr smithy.APIError
	switch {
	case errors.As(err, &noBucket) || (errors.As(err, &apiErr) && apiErr.ErrorCode() == "NoSuchBucket"):
		return fmt.Errorf("bucket %s does not exist (check the name, the region and the account)", bucket)
	case errors.As(err, &apiErr) && apiErr.ErrorCode() == "AccessDenied":
		return fmt.Errorf("access denied to bucket %s (s3:ListBucket and s3:GetObject are needed): %s", bucket, apiErr.ErrorMessage())
	}
	return fmt.Errorf("read bucket %s: %w", bucket, err)
}
