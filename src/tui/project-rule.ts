// "Allow always for this project": adds a rule to `.cairn/settings.local.json` (personal, not
// meant to be committed) and says where it went, and whether it will apply in later sessions.

import { editSettingsFile, isTrusted, writableSettingsFile } from "../config/index.ts";
import { CairnError } from "../core/errors.ts";

export interface ProjectRuleTarget {
  /** The workspace root, a real path. */
  root: string;
  cairnHome: string;
  /** `--trust` was given for this run. */
  trustFlag: boolean;
}

/** Writes the rule (once) and returns the sentence that tells the user where it went. */
export async function saveProjectRule(rule: string, target: ProjectRuleTarget): Promise<string> {
  const file = writableSettingsFile("local", {
    workspaceRoot: target.root,
    cairnHome: target.cairnHome,
  });
  await editSettingsFile(
    file,
    (settings) => {
      const permissions = settings.permissions ?? {};
      if (typeof permissions !== "object" || permissions === null || Array.isArray(permissions)) {
        throw new CairnError(
          "bad_config",
          `${file}: permissions is not an object`,
          "Fix the file by hand first",
        );
      }
      const section = permissions as Record<string, unknown>;
      const allow = section.allow ?? [];
      if (!Array.isArray(allow)) {
        throw new CairnError(
          "bad_config",
          `${file}: permissions.allow is not a list`,
          "Fix the file by hand first",
        );
      }
      if (!allow.includes(rule)) section.allow = [...(allow as unknown[]), rule];
      settings.permissions = section;
    },
    // Personal settings may hold secrets in `env`.
    { mode: 0o600, folderMode: 0o755 },
  );
  const saved = `Added ${rule} to .cairn/settings.local.json (permissions.allow).`;
  // An untrusted folder's own settings contribute no allow rules (see config/trust.ts).
  if (target.trustFlag || (await isTrusted(target.root, target.cairnHome))) return saved;
  return `${saved} This folder is not trusted, so later sessions ignore it until you run \`cairn trust\` here.`;
}
