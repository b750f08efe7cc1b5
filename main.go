// Command tenant-metrics-lab is the CDK app: it synthesizes the telemetry pipeline stack (see stacks/).
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/tenant-metrics-lab/tenant-metrics-lab/stacks"
)

func main() {
	defer jsii.Close()
	// cdk-nag and CloudFormation itself validate the template; the built-in validator adds ~3 s to every synth
	// and only repeats a known false positive (W7001) on the Firehose construct. See README, "Validation".
	app := awscdk.NewApp(&awscdk.AppProps{BuiltinCloudFormationValidation: jsii.Bool(false)})
	if _, err := stacks.Build(app); err != nil {
		fmt.Fprintln(os.Stderr, err)
		jsii.Close()
		os.Exit(1)
	}
	app.Synth(nil)
}
