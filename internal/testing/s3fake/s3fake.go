// Package s3fake serves an in-process S3 (gofakes3 with its in-memory backend) over HTTP on a loopback port,
// speaking the real S3 API, for tests of code that reads and writes buckets.
package s3fake

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Server is a running fake S3.
type Server struct {
	URL    string
	server *httptest.Server
	clock  *clock

	mu      sync.Mutex
	configs map[string]map[string]string // subresource query -> bucket -> the elements GET answers
}

// clock lets tests choose the LastModified time of the objects they put.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		return time.Now()
	}
	return c.now
}

func (c *clock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

// Start serves a fresh fake S3 until the test ends.
func Start(t testing.TB) *Server {
	c := &clock{}
	backend := s3mem.New(s3mem.WithTimeSource(c))
	// The request-time check uses the real clock (the SDK signs with it); only LastModified follows SetTime.
	faker := gofakes3.New(backend, gofakes3.WithAutoBucket(false))
	s := &Server{clock: c, configs: map[string]map[string]string{}}
	s.server = httptest.NewServer(s.withSubresources(faker.Server()))
	t.Cleanup(s.server.Close)
	s.URL = s.server.URL
	return s
}

// subresource is a bucket configuration gofakes3 does not implement, answered from what a test stored: GET
// /<bucket>?<query> returns <root> around the stored elements, or S3's 404 with notFound when none is stored.
type subresource struct{ query, root, notFound, message string }

var (
	lifecycleConfig  = subresource{"lifecycle", "LifecycleConfiguration", "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"}
	encryptionConfig = subresource{"encryption", "ServerSideEncryptionConfiguration", "ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found"}
)

// withSubresources answers GetBucketLifecycleConfiguration (GET ?lifecycle) and GetBucketEncryption
// (GET ?encryption) from what SetLifecycle and SetEncryption stored.
func (s *Server) withSubresources(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var sub *subresource
		for _, c := range []*subresource{&lifecycleConfig, &encryptionConfig} {
			if _, ok := r.URL.Query()[c.query]; ok && r.Method == http.MethodGet {
				sub = c
			}
		}
		if sub == nil {
			next.ServeHTTP(w, r)
			return
		}
		bucket := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)[0]
		s.mu.Lock()
		body, ok := s.configs[sub.query][bucket]
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/xml")
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>` + sub.notFound + `</Code><Message>` + sub.message + `</Message><BucketName>` + bucket + `</BucketName></Error>`))
			return
		}
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><` + sub.root + ` xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + body + `</` + sub.root + `>`))
	})
}

func (s *Server) set(sub subresource, bucket, elements string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.configs[sub.query] == nil {
		s.configs[sub.query] = map[string]string{}
	}
	s.configs[sub.query][bucket] = elements
}

// SetLifecycle gives bucket a lifecycle configuration: rules is the <Rule> elements GET ?lifecycle returns.
func (s *Server) SetLifecycle(bucket, rules string) { s.set(lifecycleConfig, bucket, rules) }

// SetEncryption gives bucket a default encryption: rules is the <Rule> elements GET ?encryption returns.
func (s *Server) SetEncryption(bucket, rules string) { s.set(encryptionConfig, bucket, rules) }

// SetTime makes objects put from now on carry t as LastModified; the zero time restores the real clock.
func (s *Server) SetTime(t time.Time) {
	s.clock.mu.Lock()
	defer s.clock.mu.Unlock()
	s.clock.now = t
}

// Client returns an S3 client for the fake (path-style addressing, static credentials).
func (s *Server) Client() *s3.Client {
	return s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(s.URL),
		UsePathStyle: true,
		// gofakes3 does not speak the aws-chunked trailing checksums the SDK sends by default.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, nil
		}),
	})
}

// CreateBucket makes a bucket or fails the test.
func (s *Server) CreateBucket(t testing.TB, name string) {
	t.Helper()
	if _, err := s.Client().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
}

// Put stores an object, with an optional Content-Encoding, or fails the test.
func (s *Server) Put(t testing.TB, bucket, key string, body []byte, contentEncoding string) {
	t.Helper()
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}
	if contentEncoding != "" {
		in.ContentEncoding = aws.String(contentEncoding)
	}
	if _, err := s.Client().PutObject(context.Background(), in); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

// Keys lists every object key in a bucket.
func (s *Server) Keys(t testing.TB, bucket string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(s.Client(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("list %s: %v", bucket, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}
