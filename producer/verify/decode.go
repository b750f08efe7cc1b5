package verify

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/event"
)

// MaxEventBytes is the largest event the decoder accepts: a Kinesis record cannot be larger.
const MaxEventBytes = 1 << 20

// Position locates an event or a problem inside an object's decompressed content.
type Position struct {
	Line   int   `json:"line"`   // 1-based
	Offset int64 `json:"offset"` // byte offset of the event's first byte
}

// Decode reads every event of one object: GZIP or plain, NDJSON or objects concatenated with no delimiter (what
// the original generator wrote), one after the other. Valid events go to valid; each invalid one, and anything
// that stops the read (corrupt or truncated gzip), goes to bad, and reading goes on where it can.
//
// Objects are delimited by matching braces outside strings, so both layouts work; a raw newline cannot occur
// inside a JSON value, so a newline inside an unfinished object ends it as invalid and reading resumes on the
// next line.
func Decode(r io.Reader, valid func(*event.Event, Position), bad func(Position, string)) {
	scan(r, "event", MaxEventBytes, func(raw []byte, pos Position) {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		var e event.Event
		if err := dec.Decode(&e); err != nil {
			bad(pos, fmt.Sprintf("invalid JSON event: %v", err))
			return
		}
		if err := event.CheckDelivered(&e); err != nil {
			bad(pos, fmt.Sprintf("event %q: %v", e.Metadata.EventID, err))
			return
		}
		valid(&e, pos)
	}, bad)
}

// scan splits one object's content (GZIP or plain) into top-level JSON objects of at most limit bytes and hands
// each to object (the slice is reused after the call returns); noun ("event", "record") names them in the
// problems it reports to bad. Memory is bounded by limit whatever the object's size.
func scan(r io.Reader, noun string, limit int, object func([]byte, Position), bad func(Position, string)) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, err := br.Peek(2)
	if len(magic) == 0 {
		if err == io.EOF {
			bad(Position{}, "empty object")
		} else {
			bad(Position{}, fmt.Sprintf("read: %v", err))
		}
		return
	}
	if bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		gz, err := gzip.NewReader(br)
		if err != nil {
			bad(Position{}, fmt.Sprintf("corrupt gzip header: %v", err))
			return
		}
		defer gz.Close()
		br = bufio.NewReaderSize(gz, 64<<10)
	}
	s := scanner{r: br, line: 1, noun: noun, limit: limit, object: object, bad: bad}
	s.run()
}

// scanner splits a byte stream into top-level JSON objects.
type scanner struct {
	r      *bufio.Reader
	noun   string // what the objects are, for problems: "event", "record"
	limit  int    // longest object kept; longer ones are reported, not buffered
	object func([]byte, Position)
	bad    func(Position, string)

	line   int
	offset int64

	buf       []byte
	start     Position
	depth     int
	inString  bool
	escaped   bool
	oversized bool
}

func (s *scanner) run() {
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			if s.depth > 0 {
				s.bad(s.start, fmt.Sprintf("object ends inside %s (truncated)", article(s.noun)))
			}
			if !errors.Is(err, io.EOF) {
				s.bad(Position{Line: s.line, Offset: s.offset}, fmt.Sprintf("read stopped (corrupt or truncated gzip?): %v", err))
			}
			return
		}
		pos := Position{Line: s.line, Offset: s.offset}
		s.offset++
		if b == '\n' {
			s.line++
		}
		if s.depth == 0 {
			switch b {
			case ' ', '\t', '\r', '\n':
			case '{':
				s.begin(pos, b)
			default:
				s.bad(pos, fmt.Sprintf("not JSON: line starts with %q", s.restOfLine(b)))
			}
			continue
		}
		if b == '\n' {
			s.bad(s.start, "incomplete JSON object (line ends inside it)")
			s.reset()
			continue
		}
		s.add(b)
		if s.depth == 0 {
			s.finish()
		}
	}
}

func (s *scanner) begin(pos Position, b byte) {
	s.start, s.depth, s.buf = pos, 1, append(s.buf[:0], b)
}

func (s *scanner) reset() {
	s.depth, s.inString, s.escaped, s.oversized, s.buf = 0, false, false, false, s.buf[:0]
}

// add appends one byte of an object, tracking strings and nesting.
func (s *scanner) add(b byte) {
	if !s.oversized {
		if len(s.buf) >= s.limit {
			s.oversized = true
		} else {
			s.buf = append(s.buf, b)
		}
	}
	switch {
	case s.escaped:
		s.escaped = false
	case s.inString && b == '\\':
		s.escaped = true
	case b == '"':
		s.inString = !s.inString
	case s.inString:
	case b == '{':
		s.depth++
	case b == '}':
		s.depth--
	}
}

func (s *scanner) finish() {
	defer s.reset()
	if s.oversized {
		s.bad(s.start, fmt.Sprintf("%s longer than %d bytes", s.noun, s.limit))
		return
	}
	s.object(s.buf, s.start)
}

// article puts "a" or "an" before a noun, for messages.
func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

// restOfLine consumes the rest of a junk line and returns its start, for the report.
func (s *scanner) restOfLine(first byte) string {
	seen := []byte{first}
	for first != '\n' {
		b, err := s.r.ReadByte()
		if err != nil {
			break
		}
		s.offset++
		if b == '\n' {
			s.line++
			break
		}
		if len(seen) < 40 {
			seen = append(seen, b)
		}
	}
	return string(seen)
}
