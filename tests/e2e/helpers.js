// Shared by the end-to-end test files: the browser, the page and the waits they all need.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const DIST = fileURLToPath(new URL("../../dist", import.meta.url));

// Console output that is expected and harmless (see /work/shared/toolchain.md).
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

/** Replaces the editor text the way a user's paste would (one input event). */
export async function replaceSource(page, source) {
  await page.getByTestId("editor").fill(source);
  await settle(page);
}

/** The 1-based line of the editor's selection start. */
export async function selectedLine(page) {
  return page.getByTestId("editor").evaluate((editor) => {
    return editor.value.slice(0, editor.selectionStart).split("\n").length;
  });
}

export function assertNoErrors(errors) {
  assert.deepEqual(errors, [], "the page logged unexpected errors");
}
