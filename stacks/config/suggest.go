package config

import (
	"fmt"
	"strings"
	"unicode"
)

// suggest names the known keys that k most likely means, as ` (did you mean "bufferSizeMiB"?)`, or "".
func suggest(k string) string {
	return didYouMean(k, Keys())
}

// didYouMean names the candidates nearest to word, as ` (did you mean "a" or "b"?)`, or "" when none is near.
func didYouMean(word string, candidates []string) string {
	near := nearest(word, candidates)
	if len(near) == 0 {
		return ""
	}
	quoted := make([]string, len(near))
	for i, n := range near {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	return " (did you mean " + orList(quoted) + "?)"
}

// nearest returns the candidates word most likely misspells, best first. Compared with letter case and the
// separators '_' and '-' folded away, the best of: the same word (ShardCount, shard_count); the candidate
// without its last words, as people drop a unit (bufferSize for bufferSizeMiB); and a Levenshtein distance
// within maxEdits (shardCont), the nearest
// only, and none when more than two are as near.
func nearest(word string, candidates []string) []string {
	w := fold(word)
	var same, truncated, close []string
	best := maxEdits(w) + 1
	for _, c := range candidates {
		if c == word {
			continue
		}
		switch f := fold(c); {
		case f == w:
			same = append(same, c)
		case droppedWords(c, w):
			truncated = append(truncated, c)
		default:
			if d := levenshtein(w, f); d < best {
				best, close = d, []string{c}
			} else if d == best {
				close = append(close, c)
			}
		}
	}
	switch {
	case len(same) > 0:
		return same
	case len(truncated) > 0:
		return truncated
	case len(close) > 2:
		return nil // a guess among many helps nobody (10 is one edit from 1, 30, 60, 90, ...)
	}
	return close
}

// maxEdits is how many edits still make a near miss: one in a short word, up to three in a long one, so that
// unrelated short keys are not suggested.
func maxEdits(folded string) int {
	return min(max(len(folded)/4, 1), 3)
}

// droppedWords reports whether folded is the camelCase key without one or more of its last words.
func droppedWords(key, folded string) bool {
	for i, r := range key {
		if i > 0 && unicode.IsUpper(r) && fold(key[:i]) == folded {
			return true
		}
	}
	return false
}

// fold drops letter case and the word separators people type: shard_count and ShardCount both become shardcount.
func fold(k string) string {
	return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(k))
}

// levenshtein is the number of single-byte insertions, deletions and substitutions that turn a into b.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
