// Bundles the CLI into dist/ with esbuild. Code splitting keeps --version and the CLI proper
// apart from the provider SDKs, which load only when a model call is made. The bash parser's
// WebAssembly files are copied to dist/wasm/, where src/permissions/shell/parser.ts looks first.
import { build } from "esbuild";
import { chmod, copyFile, mkdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";

const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
await rm("dist", { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  chunkNames: "chunks/[name]-[hash]",
  define: {
    CAIRN_VERSION: JSON.stringify(pkg.version),
    // React's development build checks and logs every render: several times slower, more memory.
    "process.env.NODE_ENV": '"production"',
  },
  banner: {
    // Every output file gets it. `require` is for CommonJS packages in the bundle (Ink's
    // signal-exit requires Node built-ins, which an ES module cannot do without it).
    js:
      "#!/usr/bin/env node\n" +
      'import { createRequire as __cairnCreateRequire } from "node:module";\n' +
      "const require = __cairnCreateRequire(import.meta.url);",
  },
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  // Ink loads React's devtools only when DEV=true and the package is installed; it is not.
  external: ["react-devtools-core"],
});
await chmod("dist/cli.js", 0o755);

const require = createRequire(import.meta.url);
await mkdir("dist/wasm", { recursive: true });
for (const specifier of [
  "web-tree-sitter/tree-sitter.wasm",
  "tree-sitter-bash/tree-sitter-bash.wasm",
]) {
  const from = require.resolve(specifier);
  await copyFile(from, `dist/wasm/${from.split(/[\\/]/).pop()}`);
}
