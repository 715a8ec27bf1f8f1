// End-to-end tests of the Advice panel in a real Chromium: settings go to the worker, which
// runs the migration model, the veto on each parallel call site and the USL fit; no mocks.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./server.js";
import {
  DIST,
  assertNoErrors,
  launchBrowser,
  openPlayground,
  replaceSource,
  selectedLine,
  selectedText,
  settle,
} from "./helpers.js";

// The target of `ex.map` on line 10 races on a global.
const HAZARDOUS_MAP = `from concurrent.futures import ThreadPoolExecutor

n = 0

def worker(item):
    global n
    n += 1

with ThreadPoolExecutor() as ex:
    ex.map(worker, range(10000))
`;

const SMALL_MAP = `from concurrent.futures import ThreadPoolExecutor

def f(x):
    return x * x

pool = ThreadPoolExecutor(max_workers=8)
results = list(pool.map(f, range(3)))
`;

const POINTS = "threads,throughput\n1,100\n2,190\n4,340\n8,520\n16,600\n32,480\n";

let browser;
let server;

before(async () => {
  server = await startServer({ root: DIST, isolated: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Types `value` into the advice setting with this test id and waits for the new advice. */
async function setField(page, testId, value) {
  await page.getByTestId(testId).fill(value);
  await settle(page);
}

async function panelText(page) {
  return page.getByTestId("advice-panel").innerText();
}

describe("advice panel", () => {
  test("the verdict follows the build and the parallel fraction", async (t) => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      const verdict = page.getByTestId("advice-verdict");
      await verdict.waitFor();
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      assert.equal(await page.getByTestId("advice-cores").inputValue(), String(cores));
      assert.equal(await page.getByTestId("advice-threads").inputValue(), String(cores));
      assert.equal(await page.getByTestId("advice-parallel-fraction").inputValue(), "0.95");
      assert.equal(await page.getByTestId("advice-build").inputValue(), "3.14t");

      await setField(page, "advice-cores", "2");
      await setField(page, "advice-threads", "2");
      await setField(page, "advice-parallel-fraction", "0.3");
      await verdict.filter({ hasText: "Verdict: migrate now" }).waitFor();
      const before = await verdict.innerText();

      await page.getByTestId("advice-build").selectOption("3.13t");
      await settle(page);
      await verdict.filter({ hasText: "Verdict: stay on the GIL build" }).waitFor();
      assert.notEqual(await verdict.innerText(), before);
      assert.match(await page.getByTestId("advice-break-even").innerText(), /never catches up/);

      await page.getByTestId("advice-build").selectOption("3.14t");
      await setField(page, "advice-threads", "1");
      await verdict.filter({ hasText: /migrate if you run \d+ or more threads/ }).waitFor();
      assert.match(
        await page.getByTestId("advice-break-even").innerText(),
        /breaks even at \d+ threads/,
      );

      // A value that is not a number is named, never shown as NaN.
      await setField(page, "advice-parallel-fraction", "lots");
      await verdict.filter({ hasText: "parallel fraction" }).waitFor();
      assert.doesNotMatch(await panelText(page), /NaN/);

      t.diagnostic(`advice ${await page.getByTestId("advice-time").innerText()}`);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("a hazardous map target gets GIL_UNSAFE_PATTERN, linked to its line", async (t) => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      await setField(page, "advice-threads", "8");
      await replaceSource(page, HAZARDOUS_MAP);
      const site = page.locator(".call-site").filter({ hasText: "ThreadPoolExecutor.map(worker)" });
      await site.waitFor();
      assert.match(await site.getByTestId("call-site").innerText(), /^10:5/);
      assert.match(await site.getByTestId("call-site-decision").innerText(), /^sequential$/i);
      const reasons = await site.getByTestId("veto-reason").allInnerTexts();
      assert.ok(
        reasons.some((reason) => /^GIL_UNSAFE_PATTERN\b.*FT0\d\d/.test(reason)),
        JSON.stringify(reasons),
      );

      await site.getByTestId("call-site").click();
      assert.equal(await selectedLine(page), 10);
      assert.equal(await selectedText(page), "ex.map(worker, range(10000))");
      t.diagnostic(`reasons: ${JSON.stringify(reasons)}`);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("pool.map over range(3) with 8 threads is TOO_SMALL; a big clean one is parallel", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      await setField(page, "advice-threads", "8");
      await replaceSource(page, SMALL_MAP);
      const site = page.locator(".call-site").filter({ hasText: "ThreadPoolExecutor.map(f)" });
      await site.waitFor();
      const reasons = await site.getByTestId("veto-reason").allInnerTexts();
      assert.equal(reasons.length, 1, JSON.stringify(reasons));
      assert.match(reasons[0], /^TOO_SMALL\s+3 items for 8 threads/);

      await replaceSource(page, SMALL_MAP.replace("range(3)", "range(100000)"));
      await site.getByTestId("call-site-decision").filter({ hasText: "parallel" }).waitFor();
      assert.equal(await site.getByTestId("veto-reason").count(), 0);

      await replaceSource(page, "x = 1\n");
      await page.getByTestId("no-call-sites").waitFor();
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("pasted measurements give a USL fit and a recommended thread count", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      await setField(page, "usl-points", POINTS);
      const result = page.getByTestId("usl-result");
      await page.getByTestId("usl-recommended").waitFor();
      const recommended = Number(await page.getByTestId("usl-recommended").innerText());
      assert.ok(recommended >= 2 && recommended <= 32, `recommended ${recommended}`);
      assert.match(await result.innerText(), /σ \(contention\) = [\d.]+, κ \(coherency\) = [\d.]+; peak at [\d.]+ threads/);

      await setField(page, "usl-points", "1,100\n2,190\n");
      await result.filter({ hasText: "No fit: need measurements at 3 or more distinct thread counts" }).waitFor();
      await setField(page, "usl-points", "1,100\n2,abc\n3,250\n");
      await result.filter({ hasText: "line 2" }).waitFor();
      assert.doesNotMatch(await panelText(page), /NaN/);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
