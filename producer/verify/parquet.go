package verify

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/eventparquet"
)

// MaxParquetObjectBytes bounds the memory verify spends on one Parquet object: it must read the footer at the end
// before any row, so the object is held whole. Firehose's largest buffer is 128 MiB of JSON, and the Parquet it
// converts to is smaller.
const MaxParquetObjectBytes = 256 << 20

// maxParquetExpansion bounds what a column chunk may declare uncompressed, relative to the whole file: SNAPPY and
// dictionary pages of this data expand about ten times; a chunk declaring thousands of times more is corrupt, and
// trusting it would allocate what it declares.
const maxParquetExpansion = 1000

// IsParquet reports whether an object key holds Parquet (Firehose's record format conversion names it .parquet).
func IsParquet(key string) bool { return strings.HasSuffix(key, ".parquet") }

// DecodeParquet reads every row of one Parquet object: valid events go to valid (Position.Line is the 1-based row),
// each invalid row to bad, and a file that cannot be read (not Parquet, truncated, a missing column, sizes no file
// of this size can hold) is one problem against the object. It never panics on bad input.
func DecodeParquet(r io.Reader, valid func(*event.Event, Position), bad func(Position, string)) {
	data, err := io.ReadAll(io.LimitReader(r, MaxParquetObjectBytes+1))
	switch {
	case err != nil:
		bad(Position{}, fmt.Sprintf("read: %v", err))
		return
	case len(data) == 0:
		bad(Position{}, "empty object")
		return
	case len(data) > MaxParquetObjectBytes:
		bad(Position{}, fmt.Sprintf("Parquet object larger than %d bytes: not read", MaxParquetObjectBytes))
		return
	}
	defer func() {
		if p := recover(); p != nil {
			bad(Position{}, fmt.Sprintf("corrupt Parquet: %v", p))
		}
	}()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		bad(Position{}, fmt.Sprintf("not a readable Parquet file: %v", err))
		return
	}
	if err := plausible(f, int64(len(data))); err != nil {
		bad(Position{}, err.Error())
		return
	}
	reader := parquet.NewGenericReader[eventparquet.Row](f)
	defer reader.Close()
	rows := make([]eventparquet.Row, 256)
	row := 0
	for {
		n, err := reader.Read(rows)
		for i := range n {
			row++
			pos := Position{Line: row}
			e, convErr := rows[i].Event()
			switch {
			case convErr != nil:
				bad(pos, fmt.Sprintf("row %d: %v", row, convErr))
			default:
				if checkErr := event.CheckDelivered(&e); checkErr != nil {
					bad(pos, fmt.Sprintf("event %q: %v", e.Metadata.EventID, checkErr))
				} else {
					valid(&e, pos)
				}
			}
			rows[i] = eventparquet.Row{}
		}
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			bad(Position{Line: row + 1}, fmt.Sprintf("read stopped after %d rows (corrupt or truncated Parquet?): %v", row, err))
			return
		}
	}
}

// plausible checks a file's footer before any row is read: every event column is there, and no row group or
// column chunk declares more than a file of this size can hold.
func plausible(f *parquet.File, size int64) error {
	var have []string
	for _, path := range f.Schema().Columns() {
		have = append(have, strings.Join(path, "."))
	}
	for _, want := range eventparquet.Columns {
		if !slices.Contains(have, want) {
			return fmt.Errorf("no column %s in the Parquet file (it has %s)", want, strings.Join(have, ", "))
		}
	}
	meta := f.Metadata()
	for i, rg := range meta.RowGroups {
		if rg.NumRows < 0 || rg.NumRows > size {
			return fmt.Errorf("row group %d declares %d rows in a %d-byte file", i, rg.NumRows, size)
		}
		for _, c := range rg.Columns {
			md := c.MetaData
			if md.TotalCompressedSize < 0 || md.TotalCompressedSize > size || md.TotalUncompressedSize < 0 ||
				md.TotalUncompressedSize > size*maxParquetExpansion || md.NumValues < 0 || md.NumValues > size*8 {
				return fmt.Errorf("row group %d column %s declares impossible sizes (%d compressed, %d uncompressed bytes, %d values) in a %d-byte file",
					i, strings.Join(md.PathInSchema, "."), md.TotalCompressedSize, md.TotalUncompressedSize, md.NumValues, size)
			}
		}
	}
	return nil
}
