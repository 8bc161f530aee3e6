// Opens a URL in the user's browser (`open` on macOS, `xdg-open` elsewhere, `start` on Windows),
// without waiting for it. Whether to open at all (`--no-browser`) is the caller's decision.

import { spawn } from "node:child_process";

/** Resolves true once the opener started, false if there is none (the URL is printed anyway). */
export function openInBrowser(
  url: string,
  platform: NodeJS.Platform = process.platform,
): Promise<boolean> {
  const [command, args] =
    platform === "darwin"
      ? ["open", [url]]
      : platform === "win32"
        ? ["cmd", ["/c", "start", '""', url.replaceAll("&", "^&")]]
        : ["xdg-open", [url]];
  return new Promise((resolve) => {
    const child = spawn(command, args, { detached: true, stdio: "ignore" });
    child.once("error", () => resolve(false));
    child.once("spawn", () => {
      child.unref();
      resolve(true);
    });
  });
}
