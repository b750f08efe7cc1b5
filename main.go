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
	err := synth()
	jsii.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// synth builds and synthesizes the app. A jsii error (an invalid construct, a failed bundling build) arrives as a
// Go panic; it is returned as an error so the user sees its message, not a goroutine dump.
func synth() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("synth failed: %v", r)
		}
	}()
	// cdk-nag checks every synth and make test runs cfn-lint on every variant; the built-in validator (the same
	// linter) would add ~3 s to every synth. See docs/security.md, "Validation".
	app := awscdk.NewApp(&awscdk.AppProps{BuiltinCloudFormationValidation: jsii.Bool(false)})
	if _, err := stacks.Build(app); err != nil {
		return err
	}
	app.Synth(nil)
	return nil
}
