// Bundles the CLI into dist/ with esbuild. Code splitting keeps --version and the CLI proper
// apart from the provider SDKs, which load only when a model call is made. The bash parser's
// WebAssembly files are copied to dist/wasm/, where src/permissions/shell/parser.ts looks first.
import { build } from "esbuild";
import { chmod, copyFile, mkdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));

/**
 * Ink's frame writer, replaced underneath the components by src/tui/terminal-writer (see there
 * for why): Ink's own writer module is wrapped by ours where Ink imports it, and the one place
 * Ink sends new <Static> output (erase the live region, write the lines, draw the region again)
 * calls the writer's `commit` instead. The build fails if either place is not found, so an Ink
 * upgrade cannot silently drop the change.
 */
const inkFrameWriter = {
  name: "cairn-ink-frame-writer",
  setup(build) {
    const wrapper = fileURLToPath(
      new URL("../src/tui/terminal-writer/log-update.ts", import.meta.url),
    );
    build.onLoad({ filter: /[\\/]ink[\\/]build[\\/]ink\.js$/ }, async (args) => {
      let source = await readFile(args.path, "utf8");
      const patch = (pattern, replacement, what) => {
        const found = source.match(pattern)?.length ?? 0;
        if (found !== 1)
          throw new Error(`${args.path}: expected one ${what} to patch, found ${found}`);
        source = source.replace(pattern, replacement);
      };
      patch(
        /import logUpdate from '\.\/log-update\.js';/g,
        "import inkLogUpdate from './log-update.js';\n" +
          `import { wrapInkLogUpdate } from ${JSON.stringify(wrapper)};\n` +
          "const logUpdate = wrapInkLogUpdate(inkLogUpdate);",
        "import of the frame writer",
      );
      patch(
        /this\.log\.clear\(\);\s*this\.options\.stdout\.write\(staticOutput\);\s*this\.log\(outputToRender\);/g,
        "this.log.commit(staticOutput, outputToRender);",
        "<Static> write",
      );
      return { contents: source, loader: "js", resolveDir: dirname(args.path) };
    });
  },
};
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
  plugins: [inkFrameWriter],
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
