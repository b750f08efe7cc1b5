package config

import (
	"errors"
	"fmt"
	"strings"
)

// problems collects what is wrong with a configuration, one message per key: the first problem found is the
// cause (a value that cannot be parsed, then the key's own rule, then the rules between keys), and a second
// message about the same key would only repeat or contradict it.
type problems struct {
	seen map[string]bool
	errs []error
}

// invalid records that key's value is not allowed: why says what is allowed ("must be ...") or which other key
// excludes it.
func (p *problems) invalid(key string, value any, why string) {
	if p.has(key) {
		return
	}
	p.mark(key)
	p.errs = append(p.errs, fmt.Errorf("invalid context value %s=%q: %s", key, contextValue(value), why))
}

// unknown records a key the app does not read; suggestion is a " (did you mean ...)" or "".
func (p *problems) unknown(key string, value any, suggestion string) {
	p.mark(key)
	p.errs = append(p.errs, fmt.Errorf("unknown context key %s=%q%s: allowed keys are %s", key, contextValue(value), suggestion, strings.Join(Keys(), ", ")))
}

func (p *problems) has(key string) bool { return p.seen[key] }

func (p *problems) mark(key string) {
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	p.seen[key] = true
}

func (p *problems) err() error { return errors.Join(p.errs...) }
