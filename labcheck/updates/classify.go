package updates

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cfnspec"
)

// comparison classifies what deploying head over base does to each resource of one stack: created (over a name
// the base holds), deleted, replaced (by the specification, or through a reference to a replaced resource) or
// updated in place (what refusals.go and kept.go say of that).
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

// run finds the replaced resources first, since a replacement spreads through the references to it, then
// classifies every resource.
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

// retains reports whether a DeletionPolicy or UpdateReplacePolicy keeps the resource when CloudFormation lets go of it.
func retains(policy string) bool {
	return policy == "Retain" || policy == "RetainExceptOnCreate" || policy == "Snapshot"
}

// policyOr is the policy the template writes, or def, what CloudFormation does without one.
func policyOr(policy, def string) string {
	if policy == "" {
		return def
	}
	return policy
}
