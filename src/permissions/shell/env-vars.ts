// Which environment variables change what a command does beyond its own arguments (code loaded,
// programs looked up, config read), so setting one in a command line is a hazard.

const dangerousNames = new Set([
  "PATH",
  "ENV",
  "BASH_ENV",
  "PROMPT_COMMAND",
  "PS4",
  "IFS",
  "SHELLOPTS",
  "BASHOPTS",
  "CDPATH",
  "GLOBIGNORE",
  "HOME",
  "ZDOTDIR",
  "FPATH",
  "SHELL",
  "XDG_CONFIG_HOME",
  "EDITOR",
  "VISUAL",
  "PAGER",
  "MANPAGER",
  "BROWSER",
  "SSH_ASKPASS",
  "SUDO_ASKPASS",
  "RIPGREP_CONFIG_PATH",
  "GCONV_PATH",
  "LOCPATH",
  "MAKEFLAGS",
  "RUSTC_WRAPPER",
  "CC",
  "CXX",
  "TMPDIR",
]);

// Prefixes whose variables load code or configuration: the dynamic loader, git (GIT_SSH,
// GIT_EXTERNAL_DIFF, GIT_CONFIG_*), exported bash functions, language runtimes' module paths
// and option variables, less's input preprocessors.
const dangerousPrefixes = [
  "LD_",
  "DYLD_",
  "GIT_",
  "BASH_FUNC_",
  "NODE_",
  "NPM_CONFIG_",
  "npm_config_",
  "PYTHON",
  "PERL",
  "RUBY",
  "GEM_",
  "JAVA_",
  "_JAVA_",
  "JDK_",
  "LESS",
  "CARGO_",
  "PIP_",
];

/** True for variables that can make a command run other code or read other config. */
export function isDangerousEnvName(name: string): boolean {
  if (dangerousNames.has(name)) return true;
  return dangerousPrefixes.some((prefix) => name.startsWith(prefix));
}

// Variables that only change formatting, locale or colour: a read-only command stays read-only.
const harmlessNames = new Set([
  "LANG",
  "LANGUAGE",
  "TZ",
  "NO_COLOR",
  "FORCE_COLOR",
  "CLICOLOR",
  "CLICOLOR_FORCE",
  "COLUMNS",
  "LINES",
  "TERM",
  "COLORTERM",
  "GREP_COLOR",
  "GREP_COLORS",
  "LS_COLORS",
  "TIME_STYLE",
  "POSIXLY_CORRECT",
]);

/** True for variables known to leave a read-only command read-only. */
export function isHarmlessEnvName(name: string): boolean {
  return harmlessNames.has(name) || name.startsWith("LC_");
}

/** The variable name of `NAME=value` / `NAME+=value`, or undefined when it is not an assignment. */
export function assignmentName(text: string): string | undefined {
  return /^([A-Za-z_][A-Za-z0-9_]*)\+?=/.exec(text)?.[1];
}
