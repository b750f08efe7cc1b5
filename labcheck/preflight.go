package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/labcheck/cost"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/producer/traffic"
	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks/config"
)

// bootstrapStack is the stack `cdk bootstrap` creates; without it `cdk deploy` cannot upload its assets.
const bootstrapStack = "CDKToolkit"

// findings are what a check has to say, one line each; blockers make the command exit 1.
type findings struct {
	lines    []string
	blockers int
}

func (f *findings) block(format string, args ...any) {
	f.lines = append(f.lines, "BLOCKER  "+fmt.Sprintf(format, args...))
	f.blockers++
}

func (f *findings) ok(format string, args ...any) {
	f.lines = append(f.lines, "ok       "+fmt.Sprintf(format, args...))
}

// badStackStates are the states in which CloudFormation refuses an update: the stack must be deleted (or the
// operation must end) first.
var badStackStates = regexp.MustCompile(`(_IN_PROGRESS|_FAILED|^ROLLBACK_COMPLETE)$`)

func (f *findings) warn(format string, args ...any) {
	f.lines = append(f.lines, "WARNING  "+fmt.Sprintf(format, args...))
}

func (f *findings) note(format string, args ...any) {
	f.lines = append(f.lines, "note     "+fmt.Sprintf(format, args...))
}

// preflight says what would make `cdk deploy` of cfg fail in this account and region before CloudFormation does.
// cdkOut is the cloud assembly `cdk deploy` would deploy (make preflight synthesizes it first).
func preflight(ctx context.Context, a *account, cfg config.Config, cdkOut string) (*findings, error) {
	f := &findings{}
	status, err := a.stack(ctx, bootstrapStack)
	switch {
	case err != nil:
		return nil, err
	case status == "":
		f.block("region %s is not bootstrapped for the CDK (no %s stack): run `npx cdk bootstrap` once for this account and region", a.region, bootstrapStack)
	case badStackStates.MatchString(string(status)):
		f.block("the CDK bootstrap stack %s is %s: fix or re-run `npx cdk bootstrap`", bootstrapStack, status)
	default:
		f.ok("CDK bootstrap stack %s is %s", bootstrapStack, status)
	}

	stackName := cfg.StackName()
	status, err = a.stack(ctx, stackName)
	if err != nil {
		return nil, err
	}
	owned := map[string]bool{}
	var resources map[string]string // logical id -> physical id, of the deployed stack
	switch {
	case status == "":
		f.ok("stack %s does not exist yet: cdk deploy creates it", stackName)
	case badStackStates.MatchString(string(status)):
		f.block("stack %s is %s: CloudFormation cannot update it; wait for it to finish or delete it (`make destroy`) first", stackName, status)
	default:
		f.ok("stack %s exists (%s): cdk deploy updates it", stackName, status)
		if resources, err = a.stackResources(ctx, stackName); err != nil {
			return nil, err
		}
		for _, physical := range resources {
			owned[physical] = true
		}
		if err := checkUpdate(ctx, a, cfg, cdkOut, resources, f); err != nil {
			return nil, err
		}
	}

	taken, err := takenNames(ctx, a, cfg, owned, false)
	if err != nil {
		return nil, err
	}
	for _, t := range taken {
		f.block("%s already exists and is not stack %s's (left from the console lab or an earlier deploy?): CloudFormation would fail to create it", t, stackName)
	}
	if len(taken) > 0 {
		prefix, err := freePrefix(ctx, a, cfg)
		if err != nil {
			return nil, err
		}
		if prefix != "" {
			f.lines = append(f.lines, fmt.Sprintf("         delete what is listed, or deploy a separate copy: make deploy CDK_ARGS=\"-c namePrefix=%s\"", prefix))
		} else {
			f.lines = append(f.lines, "         delete what is listed, or choose a namePrefix whose names are free")
		}
	} else {
		f.ok("the stream, Firehose stream, log group, alarm, dashboard, Glue database and workgroup names are free")
	}

	if err := checkExistingStream(ctx, a, cfg, f); err != nil {
		return nil, err
	}

	if cfg.BucketName != "" {
		found, err := a.bucketExists(ctx, cfg.BucketName)
		if err != nil {
			return nil, err
		}
		if !found {
			f.block("bucket %s (bucketName) does not exist: the stack writes into an existing bucket and never creates it", cfg.BucketName)
		} else {
			f.ok("bucket %s exists", cfg.BucketName)
			reportLifecycle(ctx, a, cfg, f)
			checkBucketEncryption(ctx, a, cfg, f)
		}
	}

	if e, err := cost.FromAssembly(cdkOut, traffic.Measure()); err == nil {
		f.ok("estimate: $%.2f in month 1 and $%.2f in month %d at us-east-1 list prices before free tier, $%.2f and $%.2f after the always-free tier (labcheck cost %s itemizes it)",
			e.Total(), e.TotalIn(cost.Months), cost.Months, e.FreeTierIn(1), e.FreeTierIn(cost.Months), cdkOut)
	}

	if cfg.Producer {
		if err := checkConcurrency(ctx, a, cfg, f); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// checkConcurrency compares the producer's reserved concurrency with what the account can still reserve. Lambda
// keeps at least 100 concurrent executions unreserved (the whole quota, 10, in a new account), and refuses a
// reservation that would go below.
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
func checkConcurrency(ctx context.Context, a *account, cfg config.Config, f *findings) error {
	out, err := a.lambda.GetAccountSettings(ctx, &lambda.GetAccountSettingsInput{})
	if err != nil {
		return fmt.Errorf("read the Lambda account settings: %w", err)
	}
	if out.AccountLimit == nil {
		return fmt.Errorf("read the Lambda account settings: no account limit in the answer")
	}
	quota := out.AccountLimit.ConcurrentExecutions
	unreserved := aws.ToInt32(out.AccountLimit.UnreservedConcurrentExecutions)
	floor := min(int32(100), quota)
	want := int32(cfg.ProducerReservedConcurrency)
	switch {
	case want == 0:
		f.ok("Lambda concurrency quota %d (%d unreserved); the producer reserves none, so any quota will do", quota, unreserved)
	case unreserved-want < floor:
		f.block("producerReservedConcurrency=%d: the Lambda concurrency quota is %d with %d unreserved, and Lambda keeps %d unreserved; deploy with -c producerReservedConcurrency=0 or ask for a higher quota (Service Quotas, \"Concurrent executions\")",
			want, quota, unreserved, floor)
	default:
		f.ok("Lambda concurrency quota %d (%d unreserved) leaves room to reserve %d for the producer", quota, unreserved, want)
	}
	return nil
}

// takenNames lists the fixed names of cfg's resources that exist already and are not in owned. everything also
// looks for the optional parts cfg leaves out (monitoring, query): an earlier deploy may have had them.
func takenNames(ctx context.Context, a *account, cfg config.Config, owned map[string]bool, everything bool) ([]string, error) {
	var taken []string
	add := func(found bool, err error, what, name string) error {
		if err != nil {
			return err
		}
		if found && !owned[name] {
			taken = append(taken, what+" "+name)
		}
		return nil
	}
	stream, deliveryStream := cfg.KinesisStreamName(), cfg.FirehoseStreamName()
	if _, referenced := cfg.ExistingStream(); !referenced {
		// A stream streamArn references is meant to exist: checkExistingStream looks at it.
		found, err := a.streamExists(ctx, stream)
		if err := add(found, err, "Kinesis stream", stream); err != nil {
			return nil, err
		}
	}
	found, err := a.deliveryStreamExists(ctx, deliveryStream)
	if err := add(found, err, "Firehose stream", deliveryStream); err != nil {
		return nil, err
	}
	// The console creates this group when error logging is on, and deleting the Firehose stream leaves it.
	group := cfg.DeliveryLogGroupName()
	groups, err := a.logGroups(ctx, group)
	if err := add(slices.Contains(groups, group), err, "log group", group); err != nil {
		return nil, err
	}
	if cfg.Monitoring || everything {
		alarms, err := a.alarms(ctx, cfg.AlarmNamePrefix())
		if err != nil {
			return nil, err
		}
		for _, name := range alarms {
			if err := add(true, nil, "alarm", name); err != nil {
				return nil, err
			}
		}
		found, err := a.dashboardExists(ctx, cfg.DashboardName())
		if err := add(found, err, "dashboard", cfg.DashboardName()); err != nil {
			return nil, err
		}
	}
	if cfg.Query || everything {
		found, err := a.glueDatabaseExists(ctx, cfg.DatabaseName())
		if err := add(found, err, "Glue database", cfg.DatabaseName()); err != nil {
			return nil, err
		}
		found, err = a.workGroupExists(ctx, cfg.WorkGroupName())
		if err := add(found, err, "Athena workgroup", cfg.WorkGroupName()); err != nil {
			return nil, err
		}
	}
	return taken, nil
}

// freePrefix proposes a namePrefix under which no fixed name and no stack of cfg exists yet: the user's login
// name if it makes a valid prefix, then lab2, lab3, ...
func freePrefix(ctx context.Context, a *account, cfg config.Config) (string, error) {
	var candidates []string
	if user := strings.ToLower(os.Getenv("USER")); user != "" && user != "root" {
		candidates = append(candidates, user)
	}
	for i := 2; i <= 9; i++ {
		candidates = append(candidates, fmt.Sprintf("lab%d", i))
	}
	for _, c := range candidates {
		try := cfg
		try.NamePrefix = c
		if try.Validate() != nil {
			continue
		}
		status, err := a.stack(ctx, try.StackName())
		if err != nil {
			return "", err
		}
		if status != "" {
			continue
		}
		taken, err := takenNames(ctx, a, try, nil, false)
		if err != nil {
			return "", err
		}
		if len(taken) == 0 {
			return c, nil
		}
	}
	return "", nil
}
