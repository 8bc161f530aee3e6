// The world the controller tests share: the scripted model server for the file, a fresh HOME
// and project folder per test (the user's own ~/.claude and ~/.cairn must not leak in), the
// controllers a test opened closed after it, and no protocol violations left on the server.
// Test support only; nothing outside *.test.ts files imports it.

import { mkdtemp, realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from "vitest";
import { startFakeLlm, type FakeLlm } from "../../test/fake-llm/index.ts";
import type { Controller } from "./controller.ts";

export interface ControllerWorld {
  server: FakeLlm;
  home: string;
  root: string;
  /** Controllers to close after the test. */
  open: Controller[];
}

/** Registers the hooks that keep `world` fresh for every test of the calling file. */
export function useControllerWorld(prefix: string): ControllerWorld {
  const world: Partial<ControllerWorld> & { open: Controller[] } = { open: [] };
  beforeAll(async () => {
    world.server = await startFakeLlm({ scenario: { turns: [] } });
  });
  afterAll(async () => {
    await world.server?.close();
  });
  beforeEach(async () => {
    world.home = await realpath(await mkdtemp(join(tmpdir(), `${prefix}-home-`)));
    world.root = await realpath(await mkdtemp(join(tmpdir(), `${prefix}-root-`)));
    vi.stubEnv("HOME", world.home);
    if (world.server) {
      world.server.requests.length = 0;
      world.server.violations.length = 0;
    }
  });
  afterEach(async () => {
    for (const controller of world.open.splice(0)) await controller.close();
    vi.unstubAllEnvs();
    expect(world.server?.violations).toEqual([]);
  });
  // Filled in by the hooks above before any test reads it.
  return world as ControllerWorld;
}

/** A session's environment: the scripted server as Anthropic, cairn's files under `home`. */
export function controllerEnv(
  home: string,
  server: FakeLlm,
  extra: Record<string, string> = {},
): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: home,
    CAIRN_HOME: join(home, ".cairn"),
    ANTHROPIC_API_KEY: "test-key",
    ANTHROPIC_BASE_URL: server.url,
    CAIRN_RETRY_BASE_MS: "5",
    CAIRN_SANDBOX: "0",
    ...extra,
  };
}
