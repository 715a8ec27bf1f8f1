// Shared by the end-to-end test files: the browser, the page and the waits they all need.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { deflateRawSync } from "node:zlib";
import { chromium } from "playwright-core";

export const DIST = fileURLToPath(new URL("../../dist", import.meta.url));

// Console output that is expected and harmless: wasm-bindgen's glue warns about the init
// call's old parameter form, the page has no favicon.ico, and Chromium ignores the
// `integrity` attribute Trunk puts on preloads it does not use.
const HARMLESS = [
  /using deprecated parameters for the initiali[sz]ation function/,
  /favicon\.ico/,
  /integrity.*ignored|ignored.*integrity/i,
];

/** Starts Debian's Chromium (or $CHROMIUM) headless; the build must exist. */
export async function launchBrowser() {
  assert.ok(existsSync(`${DIST}/index.html`), "build the playground first: scripts/e2e");
  return chromium.launch({
    executablePath:
      process.env.CHROMIUM ?? execFileSync("which", ["chromium"], { encoding: "utf8" }).trim(),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** Opens the playground in a fresh context and records every unexpected error it logs. */
export async function openPlayground(browser, server, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    const text = message.text();
    if (message.type() === "error" && !HARMLESS.some((pattern) => pattern.test(text))) {
      errors.push(`console.error: ${text}`);
    }
  });
  const started = Date.now();
  await page.goto(server.url);
  await waitUntilIdle(page);
  return { page, context, errors, readyMs: Date.now() - started };
}

/** Waits until the worker is ready and no text or setting is waiting for an answer. */
export async function waitUntilIdle(page) {
  await page.getByTestId("status").filter({ hasText: /^ready$/ }).waitFor({ timeout: 30_000 });
}

/** Waits out the debounce, then until the worker has answered. */
export async function settle(page) {
  // The debounce delays the request; "ready" is only trustworthy once it has passed.
  await page.waitForTimeout(200);
  await waitUntilIdle(page);
}

/** Replaces the editor text as a user would: select all, then paste. */
export async function pasteSource(page, source) {
  await page.getByTestId("editor").focus();
  await page.keyboard.press("ControlOrMeta+a");
  await page.getByTestId("editor").evaluate((content, text) => {
    const clipboardData = new DataTransfer();
    clipboardData.setData("text/plain", text);
    content.dispatchEvent(new ClipboardEvent("paste", { clipboardData, bubbles: true, cancelable: true }));
  }, source);
}

/** Replaces the editor text (a paste) and waits for the analysis. */
export async function replaceSource(page, source) {
  await pasteSource(page, source);
  await settle(page);
}

/** Calls a method of the page's code editor (www/editor/editor.js) and returns its result. */
export function editorCall(page, method, ...args) {
  return page.evaluate(
    ([method, args]) => AetherEditor.Editor.of(document.querySelector(".editor-host"))[method](...args),
    [method, args],
  );
}

/** The editor's whole text. */
export function editorText(page) {
  return editorCall(page, "text");
}

/** The 1-based line of the editor's cursor. */
export async function selectedLine(page) {
  return (await editorCall(page, "cursor")).row;
}

/** The text the editor has selected. */
export function selectedText(page) {
  return page.evaluate(() => {
    const { view } = AetherEditor.Editor.of(document.querySelector(".editor-host"));
    const { from, to } = view.state.selection.main;
    return view.state.sliceDoc(from, to);
  });
}

export function assertNoErrors(errors) {
  assert.deepEqual(errors, [], "the page logged unexpected errors");
}

/** The editor's underlined ranges: severity, underlined text and 1-based line. */
export function underlines(page) {
  return page.evaluate(() => {
    const { view } = AetherEditor.Editor.of(document.querySelector(".editor-host"));
    return [...document.querySelectorAll(".cm-lintRange")].map((mark) => ({
      severity: [...mark.classList].find((name) => name.startsWith("cm-lintRange-")).slice(13),
      text: mark.textContent,
      line: view.state.doc.lineAt(view.posAtDOM(mark)).number,
    }));
  });
}

/** The lint gutter's markers: severity and the 1-based line each sits beside. */
export function gutterMarkers(page) {
  return page.evaluate(() => {
    const { view } = AetherEditor.Editor.of(document.querySelector(".editor-host"));
    return [...document.querySelectorAll(".cm-gutter-lint .cm-lint-marker")].map((marker) => {
      const box = marker.getBoundingClientRect();
      const block = view.lineBlockAtHeight(box.top + box.height / 2 - view.documentTop);
      return {
        severity: [...marker.classList].find((name) => name.startsWith("cm-lint-marker-")).slice(15),
        line: view.state.doc.lineAt(block.from).number,
      };
    });
  });
}

/** A v1 share link's fragment for `state`, made here independently of the page's encoder. */
export function linkTo(state) {
  return `v1/${deflateRawSync(Buffer.from(JSON.stringify(state))).toString("base64url")}`;
}
