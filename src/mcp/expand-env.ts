// `${VAR}` and `${VAR:-default}` in MCP server entries, as `.mcp.json` files written for Claude
// Code use them. Only expansion: which fields are expanded is the config loader's business.

export interface Expanded {
  text: string;
  /** Variables that were unset and had no default: left as written. */
  missing: string[];
}

const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function expandEnv(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): Expanded {
  const missing: string[] = [];
  const out = text.replace(reference, (whole, name: string, fallback: string | undefined) => {
    const value = env[name];
    // Like the shell's `:-`, an empty value takes the default too.
    if (value !== undefined && (value !== "" || fallback === undefined)) return value;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return whole;
  });
  return { text: out, missing };
}
