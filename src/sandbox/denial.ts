// Recognising a failure that the sandbox probably caused, from a command's output and exit code,
// so the model learns why (and stops retrying variations) instead of guessing. A heuristic: it
// says "may have been", and stays silent when the command succeeded.

import { protectedDisplayNames, type SandboxPolicy } from "./policy.ts";

const writeDenied = [
  /read-only file system/i,
  /\bEROFS\b/,
  // Renaming or removing a pinned folder or a mounted placeholder (`mv .git x`).
  /device or resource busy/i,
  /\bEBUSY\b/,
  /operation not permitted/i,
  /\bEPERM\b/,
];

const networkDenied = [
  /network is unreachable/i,
  /\bENETUNREACH\b/,
  /could not resolve (host|proxy)/i,
  /temporary failure in name resolution/i,
  /name or service not known/i,
  /no address associated with hostname/i,
  /\bEAI_AGAIN\b/,
  /getaddrinfo/i,
  /connection refused/i,
  /\bECONNREFUSED\b/,
  /couldn'?t connect to server/i,
  /failed to connect to/i,
  /no route to host/i,
];

/** What clients print when cairn's proxy refused a host (its reason phrase, its body, curl, git, python). */
const proxyRefusal = [
  /blocked by cairn sandbox/i,
  /sandbox\.network\.(allowed|denied)Domains/,
  /CONNECT tunnel failed, response 403/i,
  /Tunnel connection failed: 403/i,
];

/** The sentence every note starts with. */
export const sandboxNotePrefix =
  "Note: this may have been blocked by the sandbox (writes outside the workspace / network are not allowed)";

/**
 * A note for the model when a failed command's output looks like the sandbox's doing, else
 * undefined. "Permission denied" alone is too common to blame on the sandbox; it counts when
 * the output names a protected path, and so does "Is a directory" (a missing protected file
 * is held by an empty read-only folder). `refusedHosts`: hosts cairn's proxy refused while the
 * command ran; they are named, so the model can ask for exactly those.
 */
export function sandboxDenialNote(
  policy: SandboxPolicy,
  output: string,
  exitCode: number | null,
  refusedHosts: readonly string[] = [],
): string | undefined {
  if (exitCode === 0) return undefined;
  const names = protectedDisplayNames(policy);
  const write =
    writeDenied.some((pattern) => pattern.test(output)) ||
    (/permission denied|\bEACCES\b|is a directory|\bEISDIR\b/i.test(output) &&
      names.some((name) => output.includes(name)));
  const offline = policy.network === "none";
  const proxied = offline && policy.proxy !== undefined;
  const refused =
    proxied && (refusedHosts.length > 0 || proxyRefusal.some((pattern) => pattern.test(output)));
  const network = offline && !refused && networkDenied.some((p) => p.test(output));
  if (!write && !network && !refused) return undefined;
  const details: string[] = [];
  if (write) {
    const shown = names.slice(0, 8).join(", ") + (names.length > 8 ? ", …" : "");
    details.push(
      "commands may write only inside the workspace and /tmp (private to this session)" +
        (names.length > 0
          ? `, and these stay read-only (held by empty folders while they do not exist): ${shown}`
          : ""),
    );
  }
  if (refused) {
    const hosts = refusedHosts.slice(0, 5).join(", ") + (refusedHosts.length > 5 ? ", …" : "");
    details.push(
      `cairn's network proxy refused ${hosts === "" ? "the connection" : hosts}: commands reach ` +
        "only the hosts in the sandbox.network.allowedDomains setting (and none in deniedDomains)",
    );
  } else if (network && proxied) {
    details.push(
      "commands reach the network only through cairn's proxy (HTTP_PROXY and HTTPS_PROXY are " +
        "set; there is no DNS and no direct connection), and only the hosts in the " +
        "sandbox.network.allowedDomains setting; localhost is the sandbox's own",
    );
  } else if (network) {
    details.push("there is no network access, not even to servers on this machine's localhost");
  }
  const advice = refused
    ? "if a host is needed, ask the user to add it to sandbox.network.allowedDomains"
    : "if it is needed, ask the user to run it";
  return `${sandboxNotePrefix}: ${details.join("; ")}. Do not retry the same thing; ${advice}.`;
}
