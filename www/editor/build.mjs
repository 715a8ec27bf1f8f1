// Bundles the editor (editor.js and its CodeMirror packages) into one minified ES module for the
// playground: `node www/editor/build.mjs OUT_FILE`. Trunk runs it before each build (Trunk.toml);
// the packages come from this folder's package-lock.json (`npm ci`, which scripts/tools.sh runs).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error("usage: node www/editor/build.mjs OUT_FILE");
  process.exit(2);
}
if (!existsSync(join(here, "node_modules", "esbuild"))) {
  console.error("The editor's npm packages are missing: run `npm ci` in www/editor (scripts/serve and scripts/e2e do).");
  process.exit(1);
}
const esbuild = await import("esbuild");
await esbuild.build({
  entryPoints: [join(here, "editor.js")],
  outfile: out,
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2022",
  legalComments: "none",
  logLevel: "warning",
});
