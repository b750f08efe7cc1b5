package main

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/assembly"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/cfnspec"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/internal/modroot"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/labcheck/updates"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// checkUpdate compares the template deployed now with the one `cdk deploy` would deploy (in cdkOut): what would
// fail blocks, what would lose data warns (package updates). It also finds log groups the new template declares
// with a fixed name that exist in the account but not in the stack: an upgrade of this project can declare a group
// that Lambda created on its own before (the auto-delete provider's /aws/lambda/<function>), and CloudFormation
// cannot create a log group whose name is taken.
func checkUpdate(ctx context.Context, a *account, cfg config.Config, cdkOut string, resources map[string]string, f *findings) error {
	stackName := cfg.StackName()
	stacks, err := assembly.Load(cdkOut)
	head, ok := stacks[stackName]
	if err != nil || !ok {
		f.note("no synthesized template of %s in %s: the update was not analysed (make preflight synthesizes first)", stackName, cdkOut)
		return nil
	}
	spec, err := cfnspec.Installed(repoRoot())
	if errors.Is(err, cfnspec.ErrMissing) {
		f.note("%v: the update was not analysed", err)
		return nil
	} else if err != nil {
		return err
	}
	body, err := a.deployedTemplate(ctx, stackName)
	if err != nil {
		return err
	}
	base, err := assembly.Parse(body)
	if err != nil {
		f.note("the deployed template of %s is not JSON (deployed by other means?): the update was not analysed", stackName)
		return nil
	}
	found := updates.Compare(stackName, base, head, spec)
	for _, u := range found {
		switch u.Word {
		case updates.Fails:
			f.block("this update would fail: %s", strings.TrimSpace(strings.TrimPrefix(u.String(), string(updates.Fails))))
		case updates.LosesData:
			f.warn("this update loses data: %s", strings.TrimSpace(strings.TrimPrefix(u.String(), string(updates.LosesData))))
		}
	}
	if !updates.Failed(found) {
		f.ok("the update of %s from the deployed template: nothing fails (%d finding(s); labcheck updates lists them)", stackName, len(found))
	}

	for id, r := range head.Resources {
		if r.Type != "AWS::Logs::LogGroup" {
			continue
		}
		if _, declared := base.Resources[id]; declared {
			continue
		}
		name, ok := resolveName(r.Properties["LogGroupName"], resources)
		if !ok {
			continue
		}
		groups, err := a.logGroups(ctx, name)
		if err != nil {
			return err
		}
		if slices.Contains(groups, name) {
			f.block("log group %s exists outside the stack (Lambda creates a function's group on its first run) and the new template declares it: CloudFormation would fail to create it; remove it first: aws logs delete-log-group --log-group-name %s", name, name)
		}
	}
	return nil
}

// resolveName evaluates a name property: a string, or an Fn::Join of strings and Refs to resources of the
// deployed stack (whose physical ids are known). Anything else cannot be known before the deploy.
func resolveName(v any, resources map[string]string) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case map[string]any:
		if ref, ok := x["Ref"].(string); ok {
			physical, known := resources[ref]
			return physical, known
		}
		join, ok := x["Fn::Join"].([]any)
		if !ok || len(join) != 2 {
			return "", false
		}
		sep, _ := join[0].(string)
		parts, _ := join[1].([]any)
		var out []string
		for _, p := range parts {
			s, ok := resolveName(p, resources)
			if !ok {
				return "", false
			}
			out = append(out, s)
		}
		return strings.Join(out, sep), true
	}
	return "", false
}

// repoRoot is the repository labcheck runs in, from any folder inside it, for the CDK CLI's specification.
func repoRoot() string {
	if root, err := modroot.Find(); err == nil {
		return root
	}
	return "."
}
