// End-to-end tests of the playground in a real Chromium: the threaded wasm worker, the UI and
// the analysis core together, with no mocks. Run by scripts/e2e after `trunk build --release`.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./server.js";
import {
  DIST,
  assertNoErrors,
  editorText,
  gutterMarkers,
  launchBrowser,
  openPlayground as open,
  pasteSource,
  replaceSource,
  selectedLine,
  underlines,
  waitUntilIdle,
} from "./helpers.js";

const HAZARD = `import threading

counter = 0

def worker():
    global counter
    counter += 1

threads = [threading.Thread(target=worker) for _ in range(4)]
`;

const LOCKED = `import threading

lock = threading.Lock()
counter = 0

def worker():
    global counter
    with lock:
        counter += 1

threads = [threading.Thread(target=worker) for _ in range(4)]
`;

let browser;
let isolatedServer;
let plainServer;

before(async () => {
  isolatedServer = await startServer({ root: DIST, isolated: true });
  plainServer = await startServer({ root: DIST, isolated: false });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await isolatedServer?.close();
  await plainServer?.close();
});

function openPlayground(server) {
  return open(browser, server);
}

async function diagnosticTexts(page) {
  return page.getByTestId("diagnostic").allInnerTexts();
}

describe("playground", () => {
  test("loads isolated with a pool and analyses the example", async (t) => {
    const { page, context, errors, readyMs } = await openPlayground(isolatedServer);
    try {
      assert.equal(await page.evaluate(() => crossOriginIsolated), true);
      const threads = Number(await page.getByTestId("pool-threads").innerText());
      assert.ok(threads > 1, `expected a pool of several threads, got ${threads}`);
      assert.match(await page.getByTestId("isolation").innerText(), /^cross-origin isolated$/);
      assert.match(await editorText(page), /ThreadPoolExecutor/);
      await page.getByTestId("diagnostic").first().waitFor();
      const analysisTime = await page.getByTestId("analysis-time").innerText();
      assert.match(analysisTime, /^analysed in \d+(\.\d+)? ms$/);
      t.diagnostic(`page ready in ${readyMs} ms; pool of ${threads}; example ${analysisTime}`);
      t.diagnostic(`example diagnostics: ${JSON.stringify(await diagnosticTexts(page))}`);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("flags the racy counter on line 7 and clears it once locked", async () => {
    const { page, context, errors } = await openPlayground(isolatedServer);
    try {
      await replaceSource(page, HAZARD);
      const flagged = page.getByTestId("diagnostic").filter({ hasText: "FT001" });
      await flagged.first().waitFor();
      assert.match(await flagged.first().innerText(), /^7:\d+\s+FT001/);
      assert.deepEqual(await underlines(page), [{ severity: "warning", text: "counter += 1", line: 7 }]);
      assert.deepEqual(await gutterMarkers(page), [{ severity: "warning", line: 7 }]);

      // Clicking the diagnostic selects its line in the editor.
      await flagged.first().click();
      assert.equal(await selectedLine(page), 7);

      await replaceSource(page, LOCKED);
      await page.getByTestId("no-hazards").waitFor();
      assert.deepEqual(await diagnosticTexts(page), []);
      assert.deepEqual(await underlines(page), []);
      assert.deepEqual(await gutterMarkers(page), []);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("reports a syntax error and stays responsive", async () => {
    const { page, context, errors } = await openPlayground(isolatedServer);
    try {
      await replaceSource(page, "def f(:");
      await page.getByTestId("diagnostic").filter({ hasText: "FT000" }).first().waitFor();

      const started = Date.now();
      assert.equal(await page.evaluate(() => 1 + 1), 2);
      assert.ok(Date.now() - started < 1_000, "the main thread is blocked");
      await replaceSource(page, HAZARD);
      await page.getByTestId("diagnostic").filter({ hasText: "FT001" }).first().waitFor();
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("shows no hazards for an empty editor", async () => {
    const { page, context, errors } = await openPlayground(isolatedServer);
    try {
      await replaceSource(page, "");
      await page.getByTestId("no-hazards").waitFor();
      assert.equal(await page.getByTestId("diagnostic").count(), 0);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("refuses input over the size cap without losing it", async (t) => {
    const { page, context, errors } = await openPlayground(isolatedServer);
    try {
      const huge = "x = 1\n".repeat(200_000);
      // A paste: one input event. (Playwright's fill types it through the IME path, far slower.)
      const started = Date.now();
      await pasteSource(page, huge);
      t.diagnostic(`a ${huge.length}-byte paste took ${Date.now() - started} ms to handle`);
      await page.getByTestId("too-large").waitFor();
      assert.equal((await editorText(page)).length, huge.length);
      await replaceSource(page, HAZARD);
      await page.getByTestId("diagnostic").filter({ hasText: "FT001" }).first().waitFor();
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("refuses deeply nested input with its position and keeps the worker alive", async () => {
    const { page, context, errors } = await openPlayground(isolatedServer);
    try {
      // Parsed as is, 3,000 nested lambdas would overflow the worker's stack.
      const nested = `ok = 1\nf = ${"lambda: ".repeat(3_000)}1\n`;
      await replaceSource(page, nested);
      const refusal = page.getByTestId("diagnostic").filter({ hasText: "nested too deeply" });
      await refusal.first().waitFor();
      assert.match(await refusal.first().innerText(), /^2:\d+\s+FT000/);
      assert.equal((await editorText(page)).length, nested.length);
      await replaceSource(page, HAZARD);
      await page.getByTestId("diagnostic").filter({ hasText: "FT001" }).first().waitFor();
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("analyses on one thread when the page is not cross-origin isolated", async (t) => {
    const { page, context, errors, readyMs } = await openPlayground(plainServer);
    try {
      assert.equal(await page.evaluate(() => crossOriginIsolated), false);
      assert.equal(await page.getByTestId("pool-threads").innerText(), "1");
      assert.match(
        await page.getByTestId("isolation").innerText(),
        /not cross-origin isolated: running on 1 thread/,
      );
      await replaceSource(page, HAZARD);
      await page.getByTestId("diagnostic").filter({ hasText: "FT001" }).first().waitFor();
      t.diagnostic(`page ready without isolation in ${readyMs} ms`);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("shows a worker failure and carries on with a new worker", async () => {
    const { page, context, errors } = await openPlayground(isolatedServer);
    try {
      const analysisWorker = page.workers().find((worker) => new URL(worker.url()).pathname.endsWith("/worker_loader.js"));
      assert.ok(analysisWorker, "the analysis worker runs from worker_loader.js");
      // An uncaught exception in the worker, as a trap after a panic would raise.
      await analysisWorker.evaluate(() => {
        setTimeout(() => {
          throw new Error("injected failure");
        });
      });
      await page.getByTestId("error-banner").filter({ hasText: "injected failure" }).waitFor();
      await waitUntilIdle(page);
      await replaceSource(page, HAZARD);
      await page.getByTestId("diagnostic").filter({ hasText: "FT001" }).first().waitFor();
      assertNoErrors(errors.filter((error) => !error.includes("injected failure")));
    } finally {
      await context.close();
    }
  });

  test("keeps the editor text across a reload", async () => {
    const { page, context, errors } = await openPlayground(isolatedServer);
    try {
      const text = `# kept across reloads ${Date.now()}\nx = 1\n`;
      await replaceSource(page, text);
      await page.reload();
      await waitUntilIdle(page);
      assert.equal(await editorText(page), text);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
