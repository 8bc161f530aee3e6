// What Glob, Grep and LS leave out: the files Read deny rules cover, so a denied secret never
// reaches the model through a search. Built once per session from the policy.

import type { ReadDenyFilter } from "../tools/index.ts";
import { compilePathPattern, type PathAnchors } from "./path-rules.ts";
import { isReadRule, type Rule } from "./rules.ts";

/** The filter for the `Read(pattern)` deny rules. */
export function createReadDenyFilter(deny: readonly Rule[], anchors: PathAnchors): ReadDenyFilter {
  const matchers = deny
    .filter((rule) => rule.specifier !== undefined && isReadRule(rule))
    .map((rule) => compilePathPattern(rule.specifier ?? "", anchors, rule.root));
  return {
    covers: (path) => matchers.some((matcher) => matcher.matches(path)),
    ripgrepArgs: (root) => matchers.flatMap((matcher) => matcher.ripgrepExclusion(root)),
  };
}
