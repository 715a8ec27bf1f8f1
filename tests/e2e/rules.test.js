// End-to-end tests of the playground's Rules panel in a real Chromium: the list of every rule,
// explanations one click away from a diagnostic, "Try it" examples that fire live, the filter
// and `#rule=` deep links. The expected rules come from the CLI (`aether rules`), so the list
// cannot silently drift from the detector's registry.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startServer } from "./server.js";
import {
  DIST,
  assertNoErrors,
  launchBrowser,
  openPlayground,
  editorText,
  replaceSource,
  waitUntilIdle,
  settle,
} from "./helpers.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const HAZARD = `import threading

counter = 0

def worker():
    global counter
    counter += 1

threads = [threading.Thread(target=worker) for _ in range(4)]
`;

/** Every rule as `aether rules --output-format json` lists it. */
function cliRules() {
  const json = execFileSync("cargo", ["run", "-q", "--", "rules", "--output-format", "json"], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(json);
}

/** The Python block after a heading of a rule's explanation, as `RuleInfo::example_after`. */
function exampleAfter(explanation, heading) {
  const afterHeading = explanation.slice(explanation.indexOf(heading) + heading.length);
  const start = afterHeading.indexOf("```python") + "```python".length;
  const block = afterHeading.slice(start);
  return block.slice(0, block.indexOf("```")).replace(/^\n+/, "");
}

let browser;
let server;
let rules;

before(async () => {
  rules = cliRules();
  assert.ok(rules.length > 0, "aether rules listed nothing");
  server = await startServer({ root: DIST, isolated: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const entry = (page, code) => page.locator(`[data-testid="rule-entry"][data-code="${code}"]`);

describe("rules panel", () => {
  test("lists every rule the CLI lists, each with code, name, severity and summary", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      assert.equal(await page.getByTestId("rules-panel").count(), 0, "closed on a plain load");
      await page.getByTestId("rules-toggle").click();
      const entries = page.getByTestId("rule-entry");
      await entries.first().waitFor();
      assert.equal(await entries.count(), rules.length);
      const codes = await entries.evaluateAll((nodes) => nodes.map((node) => node.dataset.code));
      assert.deepEqual(
        codes,
        rules.map((rule) => rule.code),
      );
      const ft001 = rules.find((rule) => rule.code === "FT001");
      const text = await entry(page, "FT001").innerText();
      for (const part of [ft001.code, ft001.name, ft001.severity, ft001.summary]) {
        assert.ok(text.includes(part), `FT001 entry lacks ${part}: ${text}`);
      }
      await page.getByTestId("rules-close").click();
      assert.equal(await page.getByTestId("rules-panel").count(), 0);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("a diagnostic's rule link opens its explanation", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      await replaceSource(page, HAZARD);
      const diagnostic = page.locator("li.diagnostic").filter({ hasText: "FT001" }).first();
      await diagnostic.getByTestId("rule-link").click();
      const explanation = entry(page, "FT001").getByTestId("rule-explanation");
      await explanation.waitFor();
      const text = await explanation.innerText();
      assert.match(text, /Why is this bad\?/);
      assert.match(text, /Use instead/);
      // The example is a monospace code block.
      const font = await explanation
        .locator("pre code")
        .first()
        .evaluate((code) => getComputedStyle(code).fontFamily);
      assert.match(font, /mono/i);
      // Scrolled to: the rule's head is inside the window.
      const head = await entry(page, "FT001").locator(".rule-head").boundingBox();
      const height = page.viewportSize().height;
      assert.ok(head.y >= 0 && head.y + head.height <= height, `FT001 is off screen: ${head.y}`);
      assert.equal(await page.getByTestId("rule-explanation").count(), 1, "one rule open");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("Try it loads the rule's example into the editor and the rule fires", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      const ft002 = rules.find((rule) => rule.code === "FT002");
      const example = exampleAfter(ft002.explanation, "## Example");
      await page.getByTestId("rules-toggle").click();
      await entry(page, "FT002").locator(".rule-head").click();
      await entry(page, "FT002").getByTestId("try-example").click();
      assert.equal(await editorText(page), example);
      await settle(page);
      await page.getByTestId("diagnostic").filter({ hasText: "FT002" }).first().waitFor();
      // Like the examples menu, the text is kept for the next visit.
      await page.reload();
      await waitUntilIdle(page);
      assert.equal(await editorText(page), example);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("the filter narrows the list", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      await page.getByTestId("rules-toggle").click();
      const entries = page.getByTestId("rule-entry");
      await entries.first().waitFor();
      await page.getByTestId("rule-filter").fill("rmw");
      const expected = rules
        .filter((rule) =>
          `${rule.code} ${rule.name} ${rule.summary} ${rule.severity}`.toLowerCase().includes("rmw"),
        )
        .map((rule) => rule.code);
      assert.ok(expected.length > 0 && expected.length < rules.length);
      const codes = await entries.evaluateAll((nodes) => nodes.map((node) => node.dataset.code));
      assert.deepEqual(codes, expected);
      await page.getByTestId("rule-filter").fill("no such rule anywhere");
      assert.equal(await entries.count(), 0);
      await page.getByTestId("rule-filter").fill("");
      assert.equal(await entries.count(), rules.length);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("#rule=FT003 opens FT003; #rule=garbage loads the page normally", async () => {
    const deep = await openPlayground(browser, { url: `${server.url}#rule=FT003` });
    try {
      const explanation = entry(deep.page, "FT003").getByTestId("rule-explanation");
      await explanation.waitFor();
      assert.match(await explanation.innerText(), /What it does/);
      assertNoErrors(deep.errors);
    } finally {
      await deep.context.close();
    }

    const garbage = await openPlayground(browser, { url: `${server.url}#rule=garbage` });
    try {
      await garbage.page.getByTestId("diagnostic").first().waitFor();
      assert.equal(await garbage.page.getByTestId("rules-panel").count(), 0);
      assertNoErrors(garbage.errors);
    } finally {
      await garbage.context.close();
    }
  });
});
