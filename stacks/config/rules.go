package config

import (
	"slices"
	"strconv"
	"strings"
)

// Validate checks every rule and reports all violations at once, each key once.
func (c Config) Validate() error {
	var p problems
	c.check(&p)
	return p.err()
}

// check adds to p what is wrong with c: per key, in the table's order, a feature it needs that is off, then its
// own rule; then the rules between keys. A key p already holds is not reported again.
func (c Config) check(p *problems) {
	def := Default()
	for _, s := range Settings {
		on := c
		if s.Key != "namePrefix" && p.has("namePrefix") {
			// Physical names are checked with namePrefix only when it is valid itself: a name that fails only
			// because of the prefix is the prefix's problem, reported once.
			on.NamePrefix = ""
		}
		if s.Needs != "" && !featureOn(c, s.Needs) && s.value(c) != s.value(def) {
			p.invalid(s.Key, s.value(c), "needs "+s.Needs+"=true ("+s.Needs+"=false: "+s.needsWhy+"); leave "+s.Key+" unset (default "+quoteEmpty(s.value(def))+") or set "+s.Needs+"=true")
			continue
		}
		if s.Needs != "" && !featureOn(c, s.Needs) {
			continue // the default of a switched-off feature's key is never used
		}
		if why := s.problem(on); why != "" {
			p.invalid(s.Key, s.value(c), why)
		}
	}
	c.crossRules(p)
}

// featureOn reads a boolean feature switch.
func featureOn(c Config, key string) bool {
	s, _ := lookup(key)
	return s.value(c) == "true"
}

func quoteEmpty(v string) string {
	if v == "" {
		return "empty"
	}
	return v
}

// compressionsFor returns the compressions the rest of c allows, and the sentence that says why when they are
// fewer than Firehose's.
func compressionsFor(c Config) ([]string, string) {
	switch {
	case c.Format == FormatParquet:
		// Firehose converts with the schema of a Glue table, disables S3-level compression (the serializer
		// compresses) and needs a 64 MiB buffer. https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion.html
		// https://docs.aws.amazon.com/firehose/latest/dev/enable-record-format-conversion.html
		return []string{"UNCOMPRESSED"}, "format=parquet needs compression=UNCOMPRESSED: Firehose disables S3 compression with record format conversion, and the Parquet serializer compresses (" + ParquetCompression + "); leave compression unset and it follows format"
	case c.Query:
		var others []string
		for _, v := range Compressions {
			if !slices.Contains(QueryCompressions, v) {
				others = append(others, v)
			}
		}
		return QueryCompressions, "query=true needs " + orList(QueryCompressions) + ", which Athena reads as they are (" + orList(others) + " only with query=false)"
	}
	return Compressions, ""
}

// crossRules adds the rules between keys: what one key's value asks of another's.
func (c Config) crossRules(p *problems) {
	bad := func(key string, value any, why string) { p.invalid(key, value, why) }
	c.streamRules(p)
	if c.ErrorPrefix == c.Prefix {
		bad("errorPrefix", c.ErrorPrefix, "must differ from prefix so failed records never mix with delivered ones")
	}
	c.lifecycleRules(p)
	if c.Partitioning == PartitioningTenant {
		if c.BufferSizeMiB < MinDynamicPartitioningBufferMiB {
			bad("bufferSizeMiB", c.BufferSizeMiB, "partitioning=tenant needs bufferSizeMiB >= "+strconv.Itoa(MinDynamicPartitioningBufferMiB)+" (Firehose's minimum with dynamic partitioning); leave bufferSizeMiB unset and it follows partitioning")
		}
		if c.BufferIntervalSeconds < MinDynamicPartitioningIntervalSeconds {
			bad("bufferIntervalSeconds", c.BufferIntervalSeconds, "partitioning=tenant needs bufferIntervalSeconds >= "+strconv.Itoa(MinDynamicPartitioningIntervalSeconds)+" (no zero buffering with dynamic partitioning); leave bufferIntervalSeconds unset and it follows partitioning")
		}
		if !strings.Contains(c.ErrorPrefix, errorOutputType) {
			bad("errorPrefix", c.ErrorPrefix, "partitioning=tenant needs an errorPrefix with "+errorOutputType+" (Firehose requires it with dynamic partitioning)")
		}
	}
	if c.Query || c.Partitioning == PartitioningTenant {
		if _, err := c.Layout(); err != nil {
			bad("prefix", c.Prefix, err.Error()+" (or set query=false)")
		}
	}
	if c.Format == FormatParquet {
		if !c.Query {
			bad("query", c.Query, "format=parquet needs query=true: Firehose converts records with the schema of the stack's Glue table")
		}
		if c.BufferSizeMiB < MinFormatConversionBufferMiB {
			bad("bufferSizeMiB", c.BufferSizeMiB, "format=parquet needs bufferSizeMiB >= "+strconv.Itoa(MinFormatConversionBufferMiB)+" (Firehose's minimum with record format conversion); leave bufferSizeMiB unset and it follows format")
		}
	}
	c.transformRules(p)
	c.encryptionRules(p)
}
