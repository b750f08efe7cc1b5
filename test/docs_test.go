package test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocsLinksResolve: every relative link in the README and docs/ names a file that exists, and an anchor a
// heading of that file.
func TestDocsLinksResolve(t *testing.T) {
	pages, _ := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	pages = append(pages, filepath.Join("..", "README.md"))
	link := regexp.MustCompile(`\]\(([^)#\s]*)(#[^)\s]*)?\)`)
	for _, page := range pages {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(data), -1) {
			target, anchor := m[1], strings.TrimPrefix(m[2], "#")
			if strings.Contains(target, "://") {
				continue
			}
			file := page
			if target != "" {
				file = filepath.Join(filepath.Dir(page), target)
			}
			body, err := os.ReadFile(file)
			if err != nil {
				t.Errorf("%s links to %s, which does not exist", page, target)
				continue
			}
			if anchor != "" && !headingAnchors(string(body))[anchor] {
				t.Errorf("%s links to %s#%s: no such heading", page, target, anchor)
			}
		}
	}
}

// TestDocsSayWhatFiguresWereMeasuredOn: "here" and "this machine" mean nothing to a reader on another one.
func TestDocsSayWhatFiguresWereMeasuredOn(t *testing.T) {
	pages, _ := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	pages = append(pages, filepath.Join("..", "README.md"))
	vague := regexp.MustCompile(`(?i)measured here|this machine|this shared vm|this 2-core|this vm\b`)
	for _, page := range pages {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		if m := vague.FindString(string(data)); m != "" {
			t.Errorf("%s says %q: name the command, configuration and hardware class instead", page, m)
		}
	}
	if readme, _ := os.ReadFile(filepath.Join("..", "README.md")); strings.Count(string(readme), "\n") > 150 {
		t.Errorf("README.md has %d lines: the front door stays under 150; reference belongs in docs/", strings.Count(string(readme), "\n"))
	}
}

// headingAnchors returns the GitHub anchors of a Markdown file's headings.
func headingAnchors(md string) map[string]bool {
	anchors := map[string]bool{}
	drop := regexp.MustCompile("[^a-z0-9 _-]")
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
		anchors[strings.ReplaceAll(drop.ReplaceAllString(h, ""), " ", "-")] = true
	}
	return anchors
}
