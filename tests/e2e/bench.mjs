// Measures what BENCHMARKS.md reports about the playground in headless Chromium, from the
// release build in dist/ (scripts/bench runs it after scripts/e2e or `trunk build --release`),
// or from the build folder given as the first argument, to compare two builds turn by turn:
// what the page downloads, page load to interactive, and keystroke to diagnostics shown for a
// 1,000- and a 10,000-line file, beside Ruff's own wasm (`@astral-sh/ruff-wasm-web`) checking
// the same texts in the same run.
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { DIST, launchBrowser, pasteSource, settle, waitUntilIdle } from "./helpers.js";
import { startServer } from "./server.js";

const EDITS = 20;
const LOADS = 7;
/** The playground's debounce (src/web/ui/hooks/use_analysis.rs), excluded from the figures. */
const DEBOUNCE_MS = 150;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const range = (values) => `${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)}`;

/** `lines` lines of the detector's corpus (realistic threaded programs), repeated, ending in a
 * line the edits change. */
async function corpusLines(lines) {
  const folder = new URL("../corpus/hazardous/", import.meta.url);
  const files = (await readdir(folder)).filter((name) => name.endsWith(".py")).sort();
  const all = (await Promise.all(files.map((name) => readFile(new URL(name, folder), "utf8"))))
    .flatMap((text) => text.split("\n"));
  const out = [];
  for (let i = 0; out.length < lines - 1; i++) out.push(all[i % all.length]);
  out.push("end = 1");
  return `${out.join("\n")}\n`;
}

/** Page load to interactive: the editor holds the text, the worker is ready, findings shown. */
async function pageLoads(browser, server) {
  const results = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="status"]')?.textContent === "ready" &&
        document.querySelectorAll('[data-testid="diagnostic"]').length > 0 &&
        document.querySelector(".cm-content"),
      null,
      { polling: "raf", timeout: 30_000 },
    );
    results.push(await page.evaluate(() => performance.now()));
    if (i === 0) {
      const resources = await page.evaluate(() =>
        performance.getEntriesByType("resource").map((entry) => entry.name.split("/").pop().split("?")[0]),
      );
      console.log(`files the page fetched: ${["index.html", ...resources].join(", ")}`);
    }
    await context.close();
  }
  return results;
}

/** Keystroke to findings shown in the playground, debounce excluded (the fixed 150 ms
 * subtracted, and from the moment the debounce ended, which the page marks): each keystroke at
 * the end of the last line adds or removes a syntax error (`end = 1+`), so the findings change. */
async function playgroundEdits(browser, server, text) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  await waitUntilIdle(page);
  await pasteSource(page, text);
  await settle(page);
  await page.getByTestId("diagnostic").first().waitFor({ timeout: 60_000 });
  await page.evaluate(() => {
    window.__shown = [];
    let down = 0;
    document.addEventListener("keydown", (event) => (down = event.timeStamp), true);
    // Errors underlined in view: the edited line's syntax error comes and goes.
    const errors = () => document.querySelectorAll(".cm-lintRange-error, .cm-lintPoint-error").length;
    let last = errors();
    new MutationObserver(() => {
      const now = errors();
      if (now !== last) {
        last = now;
        requestAnimationFrame(() => {
          const sent = performance.getEntriesByName("aether-analysis-sent").at(-1).startTime;
          window.__shown.push({ fromKey: performance.now() - down, fromSent: performance.now() - sent });
        });
      }
    }).observe(document.querySelector(".editor-host"), { subtree: true, childList: true, attributes: true });
  });
  await page.getByTestId("editor").focus();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("End");
  for (let i = 0; i < EDITS; i++) {
    await page.keyboard.press(i % 2 === 0 ? "+" : "Backspace");
    await page.waitForFunction((count) => window.__shown.length > count, i, { timeout: 30_000 });
    await page.waitForTimeout(100);
  }
  const shown = await page.evaluate(() => window.__shown);
  const analysis = await page.getByTestId("analysis-time").innerText();
  await context.close();
  return {
    latencies: shown.map((times) => times.fromKey - DEBOUNCE_MS),
    afterDebounce: shown.map((times) => times.fromSent),
    analysis,
  };
}

/** Ruff's own wasm, `Workspace.check` on the same text with the same edits, timed in the page. */
async function ruffChecks(browser, text) {
  const root = fileURLToPath(new URL("./node_modules/@astral-sh/ruff-wasm-web/", import.meta.url));
  const server = await startServer({ root, isolated: false });
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}package.json`);
  const result = await page.evaluate(
    async ([text, edits]) => {
      const ruff = await import("/ruff_wasm.js");
      await ruff.default();
      const workspace = new ruff.Workspace(ruff.Workspace.defaultSettings(), ruff.PositionEncoding.Utf16);
      workspace.check(text); // warm-up
      const times = [];
      for (let i = 0; i < edits; i++) {
        const edited = i % 2 === 0 ? `${text.slice(0, -1)}+\n` : text;
        const started = performance.now();
        workspace.check(edited);
        times.push(performance.now() - started);
      }
      return { times, version: ruff.Workspace.version() };
    },
    [text, EDITS],
  );
  await context.close();
  await server.close();
  return result;
}

const server = await startServer({ root: process.argv[2] ?? DIST, isolated: true });
const browser = await launchBrowser();
try {
  const loads = await pageLoads(browser, server);
  console.log(`page load to interactive (${LOADS} loads): median ${median(loads).toFixed(0)} ms, ${range(loads)} ms`);
  for (const lines of [1_000, 10_000]) {
    const text = await corpusLines(lines);
    const { latencies, afterDebounce, analysis } = await playgroundEdits(browser, server, text);
    const ruff = await ruffChecks(browser, text);
    console.log(
      `${lines} lines (${text.length} bytes): keystroke to findings shown, debounce excluded, ` +
        `median ${median(latencies).toFixed(1)} ms (${range(latencies)}) over ${EDITS} edits ` +
        `(from the debounce's end: median ${median(afterDebounce).toFixed(1)} ms, ${range(afterDebounce)}) [last ${analysis}]; ` +
        `Ruff ${ruff.version} Workspace.check median ${median(ruff.times).toFixed(1)} ms (${range(ruff.times)})`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}
