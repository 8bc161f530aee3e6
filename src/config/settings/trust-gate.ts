// What settings files inside an untrusted repository may still say: only what restricts cairn
// (deny and ask rules, no bypass mode) or cannot run anything. The rest waits for `cairn trust`.

import type { PermissionSettings, Settings } from "./schema.ts";

/** Keys an untrusted folder's files keep: none of them runs a program or widens access. */
const harmlessKeys: ReadonlySet<string> = new Set([
  "$schema",
  "model",
  "cleanupPeriodDays",
  "autoCompactEnabled",
  "autoCompactThreshold",
]);
const restrictivePermissionKeys: ReadonlySet<string> = new Set([
  "deny",
  "ask",
  "disableBypassPermissionsMode",
]);

/** The part of an untrusted layer that may be used, and the key paths that were dropped. */
export function gateUntrusted(settings: Settings): { kept: Settings; ignored: string[] } {
  const kept: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    if (harmlessKeys.has(key)) kept[key] = value;
    else if (key === "permissions") {
      const permissions: Record<string, unknown> = {};
      for (const [sub, subValue] of Object.entries(value as PermissionSettings)) {
        if (subValue === undefined) continue;
        if (restrictivePermissionKeys.has(sub)) permissions[sub] = subValue;
        else ignored.push(`permissions.${sub}`);
      }
      if (Object.keys(permissions).length > 0) kept.permissions = permissions;
    } else ignored.push(key);
  }
  // A subset of a validated Settings object's keys, values untouched.
  return { kept, ignored };
}
