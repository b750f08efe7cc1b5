// Package updates tells, offline, what deploying one synthesized template over another will do, in the words a
// reviewer needs: FAILS (CloudFormation or the service refuses the change and the stack rolls back), LOSES DATA
// (something that holds data is deleted or replaced), REPLACES and INTERRUPTS (changes that succeed). Which
// property changes replace a resource comes from AWS's own service specification (package cfnspec); what a
// service refuses in place, which the specification does not carry, is the table in refusals.go.
package updates

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cfnspec"
)

// Word classifies a finding; the order is the order of severity.
type Word string

// The five words of a finding.
const (
	Fails     Word = "FAILS"
	LosesData Word = "LOSES DATA"
	// Keeps: something the new template no longer declares stays as it is deployed (a setting Firehose keeps, a
	// stack cdk deploy does not delete).
	Keeps      Word = "KEEPS"
	Replaces   Word = "REPLACES"
	Interrupts Word = "INTERRUPTS"
)

var severity = map[Word]int{Fails: 0, LosesData: 1, Keeps: 2, Replaces: 3, Interrupts: 4}

// Finding is one consequence of an update.
type Finding struct {
	Word      Word
	Stack     string
	LogicalID string
	Type      string
	Property  string // the property (path) that causes it, or "(resource)" for a whole resource
	Reason    string // one sentence, naming the AWS page it comes from
	WayOut    string // for FAILS: what to do instead
	What      string // for LOSES DATA: what is lost
}

// Brief is the finding in a few words, for a table cell: the word, the resource type and property, and the way
// out of a FAILS or what a LOSES DATA loses.
func (f Finding) Brief() string {
	typ := f.Type[strings.LastIndex(f.Type, "::")+2:]
	out := fmt.Sprintf("%s %s `%s`", f.Word, typ, f.Property)
	if f.LogicalID == "(stack)" {
		out = fmt.Sprintf("%s the stack %s", f.Word, f.Stack)
	}
	switch {
	case f.WayOut != "":
		out += ": " + f.WayOut
	case f.What != "":
		out += ": " + f.What
	}
	return out
}

// String is the finding's line: the word, the stack's logical id, the type, the property and the reason.
func (f Finding) String() string {
	line := fmt.Sprintf("%-10s %s/%s %s %s: %s", f.Word, f.Stack, f.LogicalID, f.Type, f.Property, f.Reason)
	if f.WayOut != "" {
		line += "\n           way out: " + f.WayOut
	}
	return line
}

// Failed reports whether any finding is a FAILS.
func Failed(findings []Finding) bool {
	return slices.ContainsFunc(findings, func(f Finding) bool { return f.Word == Fails })
}

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

// change is one property difference and whether it replaces the resource.
type change struct {
	path     string
	replaces cfnspec.Replacement
	why      string // why a textually unchanged property changes (a referenced resource is replaced)
}

type comparison struct {
	stack      string
	base, head assembly.Template
	spec       *cfnspec.Spec
	replaced   map[string]change // logical id -> the change that replaces it
	out        []Finding
}

func (c *comparison) add(word Word, id, typ, prop, reason, wayOut string) {
	c.out = append(c.out, Finding{Word: word, Stack: c.stack, LogicalID: id, Type: typ, Property: prop, Reason: reason, WayOut: wayOut})
}

func (c *comparison) run() {
	changes := map[string][]change{}
	for id, h := range c.head.Resources {
		b, ok := c.base.Resources[id]
		if !ok || b.Type != h.Type {
			continue
		}
		changes[id] = diffProperties(c.properties(h.Type), b.Properties, h.Properties, "")
		for _, ch := range changes[id] {
			if ch.replaces != cfnspec.ReplaceNo {
				c.replaced[id] = ch
				break
			}
		}
	}
	// A replaced resource gets a new physical id and ARN: every replacing property that refers to it changes too.
	for grew := true; grew; {
		grew = false
		for id, h := range c.head.Resources {
			b, ok := c.base.Resources[id]
			if _, done := c.replaced[id]; done || !ok || b.Type != h.Type {
				continue
			}
			if path, target := refersToReplaced(c.properties(h.Type), h.Properties, c.replaced, ""); path != "" {
				c.replaced[id] = change{path: path, replaces: cfnspec.ReplaceYes, why: "it refers to " + target + ", which is replaced"}
				grew = true
			}
		}
	}
	for id, b := range c.base.Resources {
		if h, ok := c.head.Resources[id]; !ok || h.Type != b.Type {
			c.deleted(id, b)
		}
	}
	for id, h := range c.head.Resources {
		b, ok := c.base.Resources[id]
		switch {
		case !ok || b.Type != h.Type:
			c.created(id, h)
		case c.replaced[id].path != "":
			c.replacement(id, b, h, c.replaced[id])
		default:
			c.inPlace(id, b, h, changes[id])
			if h.Type == deliveryStreamType {
				c.kept(id, b, h)
			}
		}
	}
}

// properties returns the specification of a type's properties (nil for custom resources).
func (c *comparison) properties(typ string) map[string]*cfnspec.Property {
	if c.spec == nil {
		return nil
	}
	if r, ok := c.spec.Lookup(typ); ok {
		return r.Properties
	}
	return nil
}

// deleted reports a resource the head no longer declares.
func (c *comparison) deleted(id string, b assembly.Resource) {
	if what, ok := c.holdsData(b.Type); ok && !retains(b.DeletionPolicy) {
		c.add(LosesData, id, b.Type, "(resource)", fmt.Sprintf("the resource is deleted with %s (DeletionPolicy %s; %s)", what, policyOr(b.DeletionPolicy, "Delete"), deletionPolicyPage), "")
		c.out[len(c.out)-1].What = what
	}
}

// created checks a new resource's fixed name against the base's resources of the same type.
func (c *comparison) created(id string, h assembly.Resource) {
	prop, ok := namePath[h.Type]
	if !ok {
		return
	}
	name, ok := lookup(h.Properties, prop)
	if !ok {
		return
	}
	for otherID, b := range c.base.Resources {
		if otherID == id || b.Type != h.Type {
			continue
		}
		if other, ok := lookup(b.Properties, prop); ok && jsonEqual(name, other) {
			c.add(Fails, id, h.Type, prop, fmt.Sprintf("it is created with the name %s, which %s already has: CloudFormation creates the new resource before it deletes the old one, and the name is taken (%s)", show(name), otherID, nameTypePage),
				"keep the logical id (do not move the resource in the construct tree), or give it a new name")
		}
	}
}

// replacement reports a resource CloudFormation replaces.
func (c *comparison) replacement(id string, b, h assembly.Resource, ch change) {
	why := fmt.Sprintf("changing %s replaces the resource (AWS service specification, as cdk diff reads it)", ch.path)
	if ch.why != "" {
		why = fmt.Sprintf("%s replaces the resource: %s (AWS service specification)", ch.path, ch.why)
	}
	if ch.replaces == cfnspec.ReplaceMaybe {
		c.add(Replaces, id, h.Type, ch.path, fmt.Sprintf("changing %s may replace the resource, depending on the values (AWS service specification)", ch.path), "")
		return
	}
	if prop, ok := namePath[h.Type]; ok {
		bn, bok := lookup(b.Properties, prop)
		hn, hok := lookup(h.Properties, prop)
		if bok && hok && jsonEqual(bn, hn) {
			c.add(Fails, id, h.Type, ch.path, fmt.Sprintf("%s, but its custom name %s %s stays: CloudFormation cannot replace a custom-named resource without a new name (%s)", why, prop, show(hn), nameTypePage),
				wayOutFor(h.Type))
			return
		}
	}
	if h.Type == deliveryStreamType {
		why += "; " + latestNote
	}
	if what, ok := c.holdsData(h.Type); ok && !retains(b.UpdateReplacePolicy) {
		c.add(LosesData, id, h.Type, ch.path, fmt.Sprintf("%s, and the old one is deleted with %s (UpdateReplacePolicy %s; %s)", why, what, policyOr(b.UpdateReplacePolicy, "Delete"), deletionPolicyPage), "")
		c.out[len(c.out)-1].What = "the old one with " + what
		return
	}
	c.add(Replaces, id, h.Type, ch.path, why, "")
}

// inPlace checks an in-place update against what the services refuse or lose in place.
func (c *comparison) inPlace(id string, b, h assembly.Resource, changes []change) {
	for _, r := range refusals {
		if r.typ != h.Type || !slices.ContainsFunc(changes, func(ch change) bool { return ch.path == r.path || strings.HasPrefix(ch.path, r.path+"/") }) {
			continue
		}
		if v := r.check(lookupOr(b.Properties, r.path), lookupOr(h.Properties, r.path)); v != nil {
			c.add(v.word, id, h.Type, r.path, v.reason, v.wayOut)
			c.out[len(c.out)-1].What = v.what
		}
	}
}

// holdsData says whether a type holds data that deleting or replacing it loses, and what.
func (c *comparison) holdsData(typ string) (string, bool) {
	if what, ok := dataHolders[typ]; ok {
		return what, true
	}
	if c.spec != nil {
		if r, ok := c.spec.Lookup(typ); ok && r.Stateful {
			return "what it holds", true
		}
	}
	return "", false
}

// diffProperties lists the differing properties of a and b, as deep as the specification describes them: a
// property that replaces the resource is reported whole, others are followed into their nested properties.
func diffProperties(spec map[string]*cfnspec.Property, a, b map[string]any, prefix string) []change {
	var out []change
	for _, k := range unionKeys(a, b) {
		va, vb := a[k], b[k]
		if jsonEqual(va, vb) {
			continue
		}
		p := spec[k]
		path := prefix + k
		ma, aok := va.(map[string]any)
		mb, bok := vb.(map[string]any)
		switch {
		case p != nil && p.Replaces != cfnspec.ReplaceNo:
			out = append(out, change{path: path, replaces: p.Replaces})
		case p != nil && p.Nested != nil && aok && bok:
			out = append(out, diffProperties(p.Nested, ma, mb, path+"/")...)
		default:
			out = append(out, change{path: path})
		}
	}
	return out
}

// refersToReplaced finds a replacing property of props that refers (Ref, Fn::GetAtt, Fn::Sub) to a replaced
// resource; it returns the property's path and the resource, or "".
func refersToReplaced(spec map[string]*cfnspec.Property, props map[string]any, replaced map[string]change, prefix string) (string, string) {
	for _, k := range slices.Sorted(maps.Keys(props)) {
		p := spec[k]
		if p == nil {
			continue
		}
		if p.Replaces == cfnspec.ReplaceYes {
			if target := reference(props[k], replaced); target != "" {
				return prefix + k, target
			}
			continue
		}
		if nested, ok := props[k].(map[string]any); ok && p.Nested != nil {
			if path, target := refersToReplaced(p.Nested, nested, replaced, prefix+k+"/"); path != "" {
				return path, target
			}
		}
	}
	return "", ""
}

// reference returns a replaced resource that v refers to, or "".
func reference(v any, replaced map[string]change) string {
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := x["Ref"].(string); ok && replaced[ref].path != "" {
			return ref
		}
		if ga, ok := x["Fn::GetAtt"].([]any); ok && len(ga) > 0 {
			if id, _ := ga[0].(string); replaced[id].path != "" {
				return id
			}
		}
		if sub, ok := x["Fn::Sub"].(string); ok {
			for id := range replaced {
				if strings.Contains(sub, "${"+id+"}") || strings.Contains(sub, "${"+id+".") {
					return id
				}
			}
		}
		for _, e := range x {
			if r := reference(e, replaced); r != "" {
				return r
			}
		}
	case []any:
		for _, e := range x {
			if r := reference(e, replaced); r != "" {
				return r
			}
		}
	}
	return ""
}

// unionKeys returns the keys of a and b, sorted, each once.
func unionKeys[V any](a, b map[string]V) []string {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// lookup follows a property path ("TableInput/Name") into props.
func lookup(props map[string]any, path string) (any, bool) {
	var cur any = props
	for _, part := range strings.Split(path, "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func lookupOr(props map[string]any, path string) any {
	v, _ := lookup(props, path)
	return v
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// show renders a property value for a reason: a string as it is, anything else (an intrinsic) as JSON.
func show(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	j, _ := json.Marshal(v)
	return string(j)
}

func retains(policy string) bool {
	return policy == "Retain" || policy == "RetainExceptOnCreate" || policy == "Snapshot"
}

func policyOr(policy, def string) string {
	if policy == "" {
		return def
	}
	return policy
}
