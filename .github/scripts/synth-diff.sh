#!/usr/bin/env bash
# Usage: synth-diff.sh PR_CDK_OUT BASE_CDK_OUT
# Prints a Markdown report of what deploying the pull request over the base branch does, for every stack in either
# synthesized cloud assembly: first what `labcheck updates` finds (a CAUTION block for every change that would
# fail and roll back, with the way out; then data losses), the estimate of both (`labcheck cost --markdown`: the
# items that changed in month 1 and month 12, in dollars and percent, and a twelve-month chart), then the
# CLI's `cdk diff`. Works offline: neither reads
# AWS. It never says all is clear when it could not tell: a folder that is not a cloud assembly, or a diff that
# fails, ends the script with an error. Exit status 1 (after the whole report) when a change would fail.
set -euo pipefail
usage() { echo "usage: $0 PR_CDK_OUT BASE_CDK_OUT (two folders written by cdk synth -o)" >&2; exit 2; }
[ $# -eq 2 ] || usage
pr_out=$1 base_out=$2
for dir in "$pr_out" "$base_out"; do
  if [ ! -f "$dir/manifest.json" ]; then
    echo "synth-diff.sh: $dir is not a cloud assembly (no manifest.json): synthesize into it with cdk synth -o $dir" >&2
    exit 2
  fi
done
pr_out=$(cd "$pr_out" && pwd) base_out=$(cd "$base_out" && pwd)
cd "$(dirname "$0")/../.."
export CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

# The stacks of an assembly, as "<stack name> <template file>" lines, from its manifest: a reused cdk.out still holds
# templates of earlier configurations, which are not part of it.
stacks_of() {
  node -e '
    const m = require(require("path").resolve(process.argv[1], "manifest.json"));
    for (const [id, a] of Object.entries(m.artifacts || {}))
      if (a.type === "aws:cloudformation:stack") console.log((a.displayName || id) + " " + a.properties.templateFile);
  ' "$1"
}
pr_stacks=$(stacks_of "$pr_out")
base_stacks=$(stacks_of "$base_out")
template_of() { awk -v s="$1" '$1 == s { print $2 }' <<<"$2"; }
stacks=$( { cut -d' ' -f1 <<<"$pr_stacks"; cut -d' ' -f1 <<<"$base_stacks"; } | sed '/^$/d' | sort -u)
[ -n "$stacks" ] || { echo "synth-diff.sh: neither assembly declares a stack" >&2; exit 1; }

report=$(mktemp) flags=$(mktemp) empty=$(mktemp) bin=$(mktemp -d)
trap 'rm -rf "$report" "$flags" "$empty" "$bin"' EXIT
echo '{}' > "$empty"

# What the update does, judged by AWS's service specification and what the services refuse in place.
go build -o "$bin/labcheck" ./labcheck
updates_status=0
findings=$("$bin/labcheck" updates "$base_out" "$pr_out") || updates_status=$?
if [ "$updates_status" -gt 1 ]; then
  echo "synth-diff.sh: labcheck updates could not compare the assemblies:" >&2
  echo "$findings" >&2
  exit 1
fi

for stack in $stacks; do
  pr_template=$(template_of "$stack" "$pr_stacks")
  if [ -z "$pr_template" ]; then
    echo "- **$stack**: the pull request removes this stack; \`cdk deploy\` no longer manages it" >> "$flags"
    continue
  fi
  base_template=$(template_of "$stack" "$base_stacks")
  base="$base_out/$base_template"
  if [ -z "$base_template" ]; then
    base=$empty
    echo "- **$stack**: new stack" >> "$flags"
  fi
  # The CLI's own diff of two templates; --app points at the synthesized assembly, so nothing is rebuilt.
  if ! out=$(npx --no-install cdk diff "$stack" --app "$pr_out" --template "$base" --no-notices --no-color 2>&1); then
    echo "synth-diff.sh: cdk diff of $stack failed, so nothing can be said about it:" >&2
    echo "$out" >&2
    exit 1
  fi
  out=$(grep -v '^!!' <<<"$out" || true)
  # Resource lines: "[-] TYPE ID LOGICALID" is a deletion, "[~] ... replace" / "may be replaced" a replacement.
  danger='^\[-\] |^\[~\] .* (replace|may be replaced)$'
  if grep -qE "$danger" <<<"$out"; then
    {
      echo "- **$stack** deletes or replaces resources:"
      grep -E "$danger" <<<"$out" | sed 's/^/  - `/; s/$/`/'
    } >> "$flags"
  fi
  {
    echo "<details$( [ -s "$flags" ] && echo ' open')><summary><b>$stack</b></summary>"
    echo
    echo '```diff'
    echo "$out"
    echo '```'
    echo '</details>'
    echo
  } >> "$report"
done

# A finding is its first line plus indented continuation lines (the way out).
block() { # block WORD: the findings starting with WORD, as Markdown list items
  awk -v w="$1" '/^[^ ]/ { keep = index($0, w " ") == 1 } keep { sub(/^ +/, "  "); print (/^  /) ? "  " $0 : "- `" $0 "`" }' <<<"$findings"
}
echo "## Infrastructure diff"
echo
if grep -q '^FAILS ' <<<"$findings"; then
  echo "> [!CAUTION]"
  echo "> **This deploy would fail**: CloudFormation or the service refuses these changes and the stack rolls back."
  block FAILS | sed 's/^/> /'
  echo
fi
if grep -q '^LOSES DATA ' <<<"$findings"; then
  echo "> [!WARNING]"
  echo "> This deploy deletes data:"
  block "LOSES DATA" | sed 's/^/> /'
  echo
fi
if grep -qE '^(REPLACES|INTERRUPTS) ' <<<"$findings"; then
  echo "<details><summary>Replacements and interruptions that succeed</summary>"
  echo
  block REPLACES
  block INTERRUPTS
  echo "</details>"
  echo
fi
# What it costs: both estimates, the items that changed (month 1 and month 12, dollars and percent) and a chart
# of the twelve months that GitHub renders.
if estimate=$("$bin/labcheck" cost --markdown --base "$base_out" "$pr_out"); then
  echo "**Estimate** ($(head -n 1 <<<"$estimate")):"
  tail -n +2 <<<"$estimate"
  echo
else
  echo "synth-diff.sh: labcheck cost could not estimate the assemblies" >&2
  exit 1
fi
if [ -s "$flags" ]; then
  echo "> [!WARNING]"
  echo "> Review before merging:"
  sed 's/^/> /' "$flags"
else
  echo "No resource is deleted or replaced."
fi
echo
cat "$report"
exit "$updates_status"
