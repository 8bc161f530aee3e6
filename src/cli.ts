// The `cairn` executable. `--version` answers before anything else loads; every other
// command loads the CLI proper lazily, so start-up stays close to a bare `node`.

import module from "node:module";

declare const CAIRN_VERSION: string;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  process.stdout.write(`${CAIRN_VERSION} (cairn)\n`);
} else {
  // Cache compiled code between runs (Node >= 22.1): start-up of print mode drops by ~20 %.
  module.enableCompileCache?.();
  const { main } = await import("./cli/main.ts");
  await main(argv, CAIRN_VERSION);
}
