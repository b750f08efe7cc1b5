package main

import (
	"fmt"
	"strings"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// appArgs is what labcheck takes from the CDK CLI arguments a user passes to `make deploy` (CDK_ARGS): the
// context overrides and the profile, so that it checks the same configuration and account the deploy uses.
type appArgs struct {
	context map[string]any
	profile string
}

// parseCDKArgs reads -c/--context key=value pairs (also written -c=key=value) and --profile NAME from a CDK CLI
// argument string; other arguments are the CLI's business and are skipped. Quotes group words as a shell would.
func parseCDKArgs(s string) (appArgs, error) {
	a := appArgs{context: map[string]any{}}
	words, err := splitWords(s)
	if err != nil {
		return a, err
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		name, value, inline := strings.Cut(w, "=")
		if !strings.HasPrefix(w, "-") {
			continue
		}
		switch name {
		case "-c", "--context", "--profile":
		default:
			continue
		}
		if !inline {
			if i+1 >= len(words) {
				return a, fmt.Errorf("CDK_ARGS: %s needs a value", name)
			}
			i++
			value = words[i]
		}
		if name == "--profile" {
			a.profile = value
			continue
		}
		k, v, ok := strings.Cut(value, "=")
		if !ok || k == "" {
			return a, fmt.Errorf("CDK_ARGS: context %q is not key=value", value)
		}
		a.context[k] = v
	}
	return a, nil
}

// splitWords splits s at unquoted white space, honouring single and double quotes.
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	var quote rune
	inWord := false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("CDK_ARGS: unterminated %c quote", quote)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// loadConfig builds the app's configuration exactly as the CDK app does: cdk.json's context, then the overrides.
func loadConfig(cdkJSON string, overrides map[string]any) (config.Config, error) {
	ctx, err := config.ReadCDKJSON(cdkJSON)
	if err != nil {
		return config.Config{}, err
	}
	for k, v := range overrides {
		ctx[k] = v
	}
	return config.FromContextOrExplain(ctx)
}
