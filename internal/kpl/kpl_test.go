package kpl

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/testing/kplread"
)

// TestGoldenBytes pins the encoding of a small aggregate, worked out by hand from the format: the key table
// (0A 01 'a', 0A 01 'b'), two Record messages (1A len, 08 key index, 1A len data), and the MD5 of those bytes.
func TestGoldenBytes(t *testing.T) {
	var a Aggregate
	a.Add("a", []byte("x"))
	a.Add("b", []byte("yz"))
	want := "f3899ac2" + "0a0161" + "0a0162" + "1a0508001a0178" + "1a0608011a02797a" + "6fe1bc1407aabc41e3e0c88f3f668baf"
	got := a.Encode()
	if hex.EncodeToString(got) != want {
		t.Fatalf("encoded\n got %x\nwant %s", got, want)
	}
	if a.Size() != len(got) || a.Len() != 2 || a.FirstKey() != "a" {
		t.Fatalf("Size %d (len %d), Len %d, FirstKey %q", a.Size(), len(got), a.Len(), a.FirstKey())
	}
}

// TestRoundTripThroughAnIndependentReader de-aggregates with internal/kplread, which shares no code with the writer.
func TestRoundTripThroughAnIndependentReader(t *testing.T) {
	var a Aggregate
	type rec struct {
		key  string
		data []byte
	}
	var want []rec
	for i := range 300 {
		r := rec{fmt.Sprintf("tenant-id-%d", i%7), bytes.Repeat([]byte{byte(i)}, i)} // sizes 0..299, varints of 1 and 2 bytes
		a.Add(r.key, r.data)
		want = append(want, r)
	}
	enc := a.Encode()
	if !kplread.IsAggregated(enc) {
		t.Fatal("no magic")
	}
	got, err := kplread.Records(enc, "outer-key")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d records back, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].PartitionKey != want[i].key || !bytes.Equal(got[i].Data, want[i].data) {
			t.Fatalf("record %d: got %q/%d bytes, want %q/%d bytes", i, got[i].PartitionKey, len(got[i].Data), want[i].key, len(want[i].data))
		}
	}
	// A flipped byte breaks the digest: the reader then sees one plain record, as the KCL would.
	enc[10] ^= 1
	if got, err := kplread.Records(enc, "outer-key"); err != nil || len(got) != 1 || got[0].PartitionKey != "outer-key" {
		t.Fatalf("corrupted aggregate: %v, %d records", err, len(got))
	}
}

func TestResetReuses(t *testing.T) {
	var a Aggregate
	a.Add("k", []byte("first"))
	a.Reset()
	if a.Len() != 0 || a.Size() != overhead || a.FirstKey() != "" {
		t.Fatalf("after Reset: Len %d Size %d FirstKey %q", a.Len(), a.Size(), a.FirstKey())
	}
	a.Add("k2", []byte("second"))
	got, err := kplread.Records(a.Encode(), "")
	if err != nil || len(got) != 1 || got[0].PartitionKey != "k2" || string(got[0].Data) != "second" {
		t.Fatalf("reuse: %v %+v", err, got)
	}
}

// TestFitsCountsTheKeyTheRecordIsSentWith: the limit covers the encoded aggregate plus the partition key it is
// sent with, the first record's; an empty aggregate counts the new record's own key.
func TestFitsCountsTheKeyTheRecordIsSentWith(t *testing.T) {
	var a Aggregate
	if size := a.sizeWith("key", 10) + len("key"); !a.Fits("key", 10, size) || a.Fits("key", 10, size-1) {
		t.Fatalf("empty aggregate: a record needing %d bytes must fit %d and not %d", size, size, size-1)
	}
	a.Add("first-key", []byte("data"))
	size := a.sizeWith("k", 10) + len("first-key")
	if !a.Fits("k", 10, size) || a.Fits("k", 10, size-1) {
		t.Fatalf("after one record: the next needs %d bytes with the first record's key", size)
	}
}

// FuzzSizeAccounting checks that sizeWith predicts, byte for byte, the encoded size after every Add: the writer
// relies on it to keep aggregates within the 1 MiB record limit without encoding them first.
func FuzzSizeAccounting(f *testing.F) {
	f.Add([]byte("tenant-id-1"), 300, 5)
	f.Add([]byte(""), 0, 1)
	f.Add(bytes.Repeat([]byte("k"), 256), 20000, 3)
	f.Fuzz(func(t *testing.T, key []byte, dataLen, n int) {
		if dataLen < 0 || dataLen > 1<<17 || n < 0 || n > 200 {
			t.Skip()
		}
		var a Aggregate
		for i := range n {
			k := string(key) + fmt.Sprint(i%5) // some keys repeat, some are new
			d := make([]byte, (dataLen+i*37)%(1<<17))
			predicted := a.sizeWith(k, len(d))
			a.Add(k, d)
			if a.Size() != predicted {
				t.Fatalf("after add %d: Size %d, sizeWith predicted %d", i, a.Size(), predicted)
			}
		}
		if enc := a.Encode(); len(enc) != a.Size() {
			t.Fatalf("encoded %d bytes, Size says %d", len(enc), a.Size())
		}
	})
}

// BenchmarkAggregate300ByteEvents is the CPU cost per event of packing: Add plus a share of Encode.
func BenchmarkAggregate300ByteEvents(b *testing.B) {
	data := bytes.Repeat([]byte("x"), 330)
	keys := make([]string, 10)
	for i := range keys {
		keys[i] = fmt.Sprintf("tenant-id-%d", i)
	}
	var a Aggregate
	buf := make([]byte, 0, 70<<10)
	i := 0
	for b.Loop() {
		a.Add(keys[i%len(keys)], data)
		i++
		if a.Size() >= 64<<10 {
			buf = a.appendEncoded(buf[:0])
			a.Reset()
		}
	}
}
