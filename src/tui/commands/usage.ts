// The error a command throws for arguments it cannot use: the problem, then its usage line.
// run.ts shows it as an error notice.

import { CairnError } from "../../core/errors.ts";

export function usageError(
  command: { name: string; argumentHint?: string },
  problem: string,
): CairnError {
  const hint = command.argumentHint ? ` ${command.argumentHint}` : "";
  return new CairnError(
    "bad_input",
    `/${command.name}: ${problem}`,
    `Usage: /${command.name}${hint}`,
  );
}

/** The arguments as words, split on any run of whitespace. */
export function words(args: string): string[] {
  return args.split(/\s+/).filter((w) => w !== "");
}
