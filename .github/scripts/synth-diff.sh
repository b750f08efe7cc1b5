#!/usr/bin/env bash
# Usage: synth-diff.sh PR_CDK_OUT BASE_CDK_OUT
# Prints a Markdown report of `cdk diff` between the base branch's and the pull request's synthesized templates,
# for every stack in either. Works offline: `cdk diff --template` compares files and never calls AWS.
set -euo pipefail
pr_out=$1 base_out=$2
export CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

stacks=$( { ls "$pr_out" "$base_out" 2>/dev/null || true; } | sed -n 's/\.template\.json$//p' | sort -u)
report=$(mktemp) flags=$(mktemp)
trap 'rm -f "$report" "$flags"' EXIT

for stack in $stacks; do
  if [ ! -f "$pr_out/$stack.template.json" ]; then
    echo "- **$stack**: the pull request removes this stack; \`cdk deploy\` no longer manages it" >> "$flags"
    continue
  fi
  base="$base_out/$stack.template.json"
  if [ ! -f "$base" ]; then
    base=$(mktemp)
    echo '{}' > "$base"
    echo "- **$stack**: new stack" >> "$flags"
  fi
  # The CLI's own diff of two templates; --app points at the synthesized assembly, so nothing is rebuilt.
  out=$(npx --no-install cdk diff "$stack" --app "$pr_out" --template "$base" --no-notices --no-color 2>&1 | grep -v '^!!' || true)
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

echo "## Infrastructure diff"
echo
if [ -s "$flags" ]; then
  echo "> [!WARNING]"
  echo "> Review before merging:"
  sed 's/^/> /' "$flags"
else
  echo "No resource is deleted or replaced."
fi
echo
cat "$report"
