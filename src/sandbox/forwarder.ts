// Linux: what runs inside a bubblewrap sandbox so that a command whose network namespace holds
// only loopback can still use cairn's proxy: a tiny forwarder (node, the binary cairn runs on)
// from 127.0.0.1:<port> in the sandbox's own loopback to the proxy's Unix socket, listening
// before the command starts; and the proxy variables the command gets. Not the proxy itself
// (network-proxy.ts).

/**
 * The loopback port the forwarder listens on inside each sandbox. Every command has a network
 * namespace of its own, so one fixed port serves them all without clashing; 3128 is the usual
 * port of an HTTP proxy, recognisable in `env` output.
 */
export const forwarderPort = 3128;

/**
 * The forwarder, run with `node -e <source> <socket> <port>`. Once it listens it writes `ready` on
 * stdout and closes it (fd 1 becomes /dev/null): that is what the wrapper waits for. An error
 * before that is written there instead. Its stderr is /dev/null, so the command's output stays
 * the command's.
 */
export const forwarderSource = [
  'const net = require("node:net"), fs = require("node:fs");',
  "const [socketPath, port] = process.argv.slice(1);",
  "let ready = false;",
  "const server = net.createServer({ allowHalfOpen: true }, (client) => {",
  "  const proxy = net.connect({ path: socketPath, allowHalfOpen: true });",
  "  client.on('error', () => proxy.destroy());",
  "  proxy.on('error', () => client.destroy());",
  "  client.pipe(proxy);",
  "  proxy.pipe(client);",
  "});",
  "server.on('error', (error) => {",
  "  if (!ready) fs.writeSync(1, 'error: ' + error.message + '\\n');",
  "  process.exit(1);",
  "});",
  "server.listen(Number(port), '127.0.0.1', () => {",
  "  ready = true;",
  "  fs.writeSync(1, 'ready\\n');",
  "  fs.closeSync(1);",
  // stream.pipe() looks at process.stdout, which opens fd 1 on first use: let that be /dev/null.
  "  fs.openSync('/dev/null', 'w');",
  "});",
].join("\n");

/**
 * POSIX sh, run as `sh -c <this> cairn-network <node> <source> <socket> <port> <argv…>`: starts
 * the forwarder in the background, waits until it listens (the command substitution ends when the
 * forwarder closes its stdout), then execs the command, which keeps its pid, exit status and file
 * descriptors. The forwarder gets no stdin, no fd 3 (Bash's working-directory pipe) and no
 * NODE_OPTIONS; it ends with the sandbox's pid namespace, that is with the command.
 */
export const forwarderWrapper = [
  'ready=$(NODE_OPTIONS= "$1" -e "$2" "$3" "$4" </dev/null 2>/dev/null 3>&- &)',
  'if [ "$ready" != ready ]; then',
  '  echo "cairn: the sandbox\'s network forwarder did not start${ready:+: $ready}" >&2',
  "  exit 125",
  "fi",
  "shift 4",
  'exec "$@"',
].join("\n");

/** `argv` preceded by the forwarder: what bubblewrap runs when the command gets the proxy. */
export function withForwarder(
  argv: readonly string[],
  forwarder: { nodePath: string; socketPath: string; port: number },
): string[] {
  return [
    "/bin/sh",
    "-c",
    forwarderWrapper,
    "cairn-network",
    forwarder.nodePath,
    forwarderSource,
    forwarder.socketPath,
    String(forwarder.port),
    ...argv,
  ];
}

/**
 * The variables that send a command's HTTP(S) traffic to the proxy at 127.0.0.1:`port`, in the
 * spellings tools read (curl, git, pip, npm: HTTPS_PROXY and friends; node's own fetch and http
 * with NODE_USE_ENV_PROXY). localhost is the sandbox's own loopback and stays direct, so a test
 * server the command starts is reached without the proxy.
 */
export function proxyEnv(port: number): Record<string, string> {
  const url = `http://127.0.0.1:${port}`;
  const direct = "localhost,127.0.0.1,::1";
  return {
    HTTP_PROXY: url,
    HTTPS_PROXY: url,
    ALL_PROXY: url,
    http_proxy: url,
    https_proxy: url,
    all_proxy: url,
    NO_PROXY: direct,
    no_proxy: direct,
    NODE_USE_ENV_PROXY: "1",
  };
}
