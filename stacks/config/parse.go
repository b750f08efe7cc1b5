package config

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// appKey matches the context keys that belong to this app: plain camelCase words. Keys the CDK itself uses always
// contain '@', ':', '/' or '-', so a camelCase key nobody reads is a typo worth reporting.
var appKey = regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`)

// integerForm is how an integer context value must be written: -c values are strings, and "+2", " 2" or "0x2"
// are more likely slips than numbers the user meant.
const integerForm = "in plain decimal digits (no sign, spaces or 0x)"

// FromContext builds a Config from CDK context values (cdk.json and -c overrides) over the defaults, and
// validates it. The error names every bad key, its value and what is allowed, each key once.
func FromContext(ctx map[string]any) (Config, error) {
	c := Default()
	given := map[string]bool{}
	var unparsed []Setting
	for _, s := range Settings {
		raw, ok := ctx[s.Key]
		if !ok || raw == nil {
			continue
		}
		given[s.Key] = true
		if !s.parse(&c, raw) {
			unparsed = append(unparsed, s)
		}
	}
	c.follow(given)
	var p problems
	// Keys that failed to parse keep their valid defaults, and their messages say what is allowed with the other
	// keys as given, so they are written once everything else is parsed.
	for _, s := range unparsed {
		p.invalid(s.Key, ctx[s.Key], s.parseWhy(c))
	}
	for _, k := range unknownKeys(ctx) {
		p.unknown(k, ctx[k], suggest(k))
	}
	c.check(&p)
	return c, p.err()
}

// unknownKeys returns, sorted, the keys of ctx that look meant for this app but are none of its keys.
func unknownKeys(ctx map[string]any) []string {
	var unknown []string
	for k := range ctx {
		if _, known := lookup(k); known {
			continue
		}
		// A camelCase key nobody reads is a typo; so is any other key close to a known one (ShardCount,
		// shard_count, buffer-size), which the CDK would otherwise ignore silently.
		if appKey.MatchString(k) || suggest(k) != "" {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	return unknown
}

// lookup returns the Setting of key, if the app reads it.
func lookup(key string) (Setting, bool) {
	for _, s := range Settings {
		if s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
}

// stringParser, intParser and boolParser set a field from a context value, reporting whether it had the type.
func stringParser(field func(*Config) *string) func(c *Config, raw any) bool {
	return func(c *Config, raw any) bool {
		s, ok := raw.(string)
		if ok {
			*field(c) = s
		}
		return ok
	}
}

func intParser(field func(*Config) *int) func(c *Config, raw any) bool {
	return func(c *Config, raw any) bool {
		n, ok := parseInt(raw)
		if ok {
			*field(c) = n
		}
		return ok
	}
}

func boolParser(field func(*Config) *bool) func(c *Config, raw any) bool {
	return func(c *Config, raw any) bool {
		v, ok := parseBool(raw)
		if ok {
			*field(c) = v
		}
		return ok
	}
}

// parseInt accepts a JSON number with no fraction (cdk.json) or a string of decimal digits (-c key=value).
func parseInt(raw any) (int, bool) {
	switch v := raw.(type) {
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > math.MaxInt32 {
			return 0, false
		}
		return int(v), true
	case int:
		return v, true
	case string:
		if v == "" || strings.Trim(v, "0123456789") != "" {
			return 0, false
		}
		n, err := strconv.ParseInt(v, 10, 32)
		return int(n), err == nil
	}
	return 0, false
}

// parseBool accepts a JSON boolean or exactly the JSON spellings: -c retain=true arrives as a string, and "yes"
// or "1" is not guessed at.
func parseBool(raw any) (v, ok bool) {
	switch v := raw.(type) {
	case bool:
		return v, true
	case string:
		return v == "true", v == "true" || v == "false"
	}
	return false, false
}

// contextValue renders a context value as the user wrote it, for messages.
func contextValue(v any) string { return fmt.Sprint(v) }
