// Output safety in real Chromium: code, diagnostics and share links reach the page as text only,
// and the page's Content-Security-Policy refuses inline script.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./server.js";
import {
  DIST,
  editorText,
  launchBrowser,
  linkTo,
  openPlayground,
  replaceSource,
  settle,
  waitUntilIdle,
} from "./helpers.js";

// Each payload sets a global if it ever runs as script or markup.
const SCRIPT = "<script>window.__pwned = 'script'</script>";
const IMAGE = `<img src="x" onerror="window.__pwned = 'onerror'">`;
const SVG = `<svg onload="window.__pwned = 'svg'"></svg>`;

// The payloads in a comment, in strings the diagnostics quote, and in a dict key that a
// finding's message repeats (FT007 quotes the statement).
const HOSTILE_CODE = `# ${SCRIPT} ${IMAGE}
import threading

totals = {}

def worker():
    totals["${IMAGE.replaceAll('"', "'")}"] += 1
    totals["${SVG.replaceAll('"', "'")}"] += 1

for _ in range(2):
    threading.Thread(target=worker).start()
`;

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

/** Whether any payload ran or became an element. */
async function assertInert(page) {
  assert.equal(await page.evaluate(() => window.__pwned), undefined, "a payload ran");
  const injected = await page.evaluate(
    () => document.querySelectorAll('img[src="x"], body script:not([src]), svg[onload]').length,
  );
  assert.equal(injected, 0, "a payload became an element");
}

/** Records every Content-Security-Policy violation the page reports. */
async function recordViolations(page) {
  await page.evaluate(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (event) =>
      window.__violations.push(`${event.violatedDirective}: ${event.blockedURI}`),
    );
  });
}

describe("output safety", () => {
  test("pasted code with <script> and onerror payloads is shown as text and runs nothing", async () => {
    const { page, context } = await openPlayground(browser, server);
    try {
      await replaceSource(page, HOSTILE_CODE);
      const findings = page.getByTestId("diagnostic").filter({ hasText: "FT007" });
      await findings.first().waitFor();
      // The payload is visible as text in the list, the hover card and the editor.
      assert.ok((await findings.first().innerText()).includes(`<img src='x'`));
      await page.locator(".cm-lintRange").first().hover({ position: { x: 4, y: 4 } });
      const card = page.locator(".cm-tooltip-lint .cm-aether-card");
      await card.waitFor();
      assert.ok((await card.innerText()).includes("onerror"));
      assert.equal(await editorText(page), HOSTILE_CODE);
      // The Report and the fix preview show it too.
      await page.getByTestId("report-toggle").click();
      await page.getByTestId("report-rules").waitFor();
      await page.getByTestId("share-toggle").click();
      await settle(page);
      await assertInert(page);
    } finally {
      await context.close();
    }
  });

  test("a link whose fields carry payloads opens as text and runs nothing", async () => {
    const hostile = linkTo({
      code: HOSTILE_CODE,
      advice: { build: SCRIPT, cores: IMAGE, threads: SVG, points: IMAGE, workload: SCRIPT },
      panel: "rules",
      rule: IMAGE,
      scaling: { build: IMAGE, threads: 2 },
      cursor: { row: 1, column: 1 },
    });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}#${hostile}`);
      await waitUntilIdle(page);
      await settle(page);
      assert.equal(await editorText(page), HOSTILE_CODE);
      // Text fields keep the text as typed; choices the page does not know keep their defaults.
      assert.equal(await page.locator(".usl-points").inputValue(), IMAGE);
      assert.equal(await page.getByTestId("advice-build").inputValue(), "3.14t");
      await page.getByTestId("rules-panel").waitFor();
      await page.getByTestId("diagnostic").filter({ hasText: "FT007" }).first().waitFor();
      await assertInert(page);
    } finally {
      await context.close();
    }
  });

  test("the Content-Security-Policy forbids inline script, and the page needs none", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      const policy = await page.evaluate(
        () => document.querySelector('meta[http-equiv="Content-Security-Policy"]').content,
      );
      const scriptSources = policy.match(/script-src ([^;]*)/)[1];
      assert.doesNotMatch(scriptSources, /'unsafe-inline'|'unsafe-eval'|\*/);
      // The playground itself ran under the policy without a violation...
      await recordViolations(page);
      await replaceSource(page, HOSTILE_CODE);
      assert.deepEqual(await page.evaluate(() => window.__violations), []);
      // ...and an inline script or handler someone slips into the DOM is refused.
      await page.evaluate(() => {
        const script = document.createElement("script");
        script.textContent = "window.__pwned = 'inline'";
        document.body.append(script);
        const image = document.createElement("img");
        image.setAttribute("onerror", "window.__pwned = 'handler'");
        image.src = "data:,broken";
        document.body.append(image);
      });
      await page.waitForTimeout(300);
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      const violations = await page.evaluate(() => window.__violations);
      assert.ok(violations.some((violation) => violation.startsWith("script-src")), JSON.stringify(violations));
      assert.deepEqual(
        errors.filter((error) => !/Content Security Policy/.test(error)),
        [],
      );
    } finally {
      await context.close();
    }
  });
});
