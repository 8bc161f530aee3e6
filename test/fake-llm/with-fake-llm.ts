// Runs a callback against a fresh fake-llm server and always closes it afterwards, so a failing
// test cannot leave a listening server (or a hanging socket) behind.

import type { Scenario } from "./scenario.ts";
import { startFakeLlm, type FakeLlm, type FakeLlmOptions } from "./server.ts";

export async function withFakeLlm<T>(
  scenario: Scenario,
  run: (fake: FakeLlm) => Promise<T>,
  options: Omit<FakeLlmOptions, "scenario"> = {},
): Promise<T> {
  const fake = await startFakeLlm({ ...options, scenario });
  try {
    return await run(fake);
  } finally {
    await fake.close();
  }
}
