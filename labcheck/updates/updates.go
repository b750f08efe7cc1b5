// Package updates tells, offline, what deploying one synthesized template over another will do, in the words a
// reviewer needs: FAILS (CloudFormation or the service refuses the change and the stack rolls back), LOSES DATA
// (something that holds data is deleted or replaced), REPLACES and INTERRUPTS (changes that succeed). Which
// property changes replace a resource comes from AWS's own service specification (package cfnspec); what a
// service refuses in place, which the specification does not carry, is the table in refusals.go.
package updates

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cfnspec"
)

// CompareAssemblies compares every stack in either assembly: a stack only in base is deleted with all it holds.
func CompareAssemblies(baseDir, headDir string, spec *cfnspec.Spec) ([]Finding, error) {
	base, err := assembly.Load(baseDir)
	if err != nil {
		return nil, err
	}
	head, err := assembly.Load(headDir)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, n := range unionKeys(base, head) {
		if _, inHead := head[n]; !inHead {
			out = append(out, left(n, slices.Sorted(maps.Keys(head))))
			continue
		}
		out = append(out, Compare(n, base[n], head[n], spec)...)
	}
	return out, nil
}

// left is the finding for a stack that only the base assembly has: cdk deploy deploys the head's stacks and
// deletes none, so a renamed stack (another namePrefix) is a second deployment beside the first.
func left(stack string, heads []string) Finding {
	return Finding{Word: Keeps, Stack: stack, LogicalID: "(stack)", Type: "AWS::CloudFormation::Stack", Property: "StackName",
		Reason: fmt.Sprintf("the new assembly has no stack %s (it has %s): cdk deploy creates those beside it and deletes nothing, so %s keeps running, and billing, until `cdk destroy %s`",
			stack, strings.Join(heads, ", "), stack, stack),
		What: fmt.Sprintf("cdk deploy creates %s beside it; %s keeps running and billing until destroyed", strings.Join(heads, ", "), stack)}
}

// Compare lists what deploying head over base does to one stack. A zero base is a new stack; a zero head a
// deleted one.
func Compare(stack string, base, head assembly.Template, spec *cfnspec.Spec) []Finding {
	c := &comparison{stack: stack, base: base, head: head, spec: spec, replaced: map[string]change{}}
	c.run()
	sort.SliceStable(c.out, func(i, j int) bool {
		a, b := c.out[i], c.out[j]
		if severity[a.Word] != severity[b.Word] {
			return severity[a.Word] < severity[b.Word]
		}
		return a.LogicalID+a.Property < b.LogicalID+b.Property
	})
	return c.out
}
