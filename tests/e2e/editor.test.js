// The code editor (CodeMirror 6) in real Chromium: underlines on the exact range below
// non-ASCII lines, hover cards, gutter markers, jumping from the list, quick fixes, and the
// editing basics (indentation, undo, search, bracket matching).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./server.js";
import {
  DIST,
  assertNoErrors,
  editorText,
  gutterMarkers,
  launchBrowser,
  openPlayground,
  replaceSource,
  selectedLine,
  selectedText,
  settle,
  underlines,
} from "./helpers.js";

// Emoji (two UTF-16 units, four UTF-8 bytes each) and CJK (one unit, three bytes) on lines above
// the hazard and on its own line: a range counted in bytes or in characters would land elsewhere.
const NON_ASCII = `import threading

# 😀 🧵 emoji: 2 UTF-16 units each
# 漢字とかな: 3 UTF-8 bytes each
counter = 0
label = "🧵🧵"

def worker():
    global counter
    note = "漢字"; counter += 1

threads = [threading.Thread(target=worker) for _ in range(4)]
`;

// FT001 offers a fix (a module lock around the update); an emoji line above moves every offset.
const FIXABLE = `import threading

# 🧵 threads below 🧵
counter = 0

def worker():
    global counter
    counter += 1

threads = [threading.Thread(target=worker) for _ in range(4)]
`;

// FT002 offers a safe fix: one atomic `setdefault` instead of the check and the insert.
const SAFE_FIXABLE = `from concurrent.futures import ThreadPoolExecutor

cache = {}


def lookup(key):
    if key not in cache:
        cache[key] = []
    cache[key].append(key)


with ThreadPoolExecutor() as pool:
    list(pool.map(lookup, ["a", "b", "a"]))
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

describe("editor", () => {
  test("underlines the exact range below emoji and CJK lines, with a gutter marker", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      await replaceSource(page, NON_ASCII);
      await page.getByTestId("diagnostic").filter({ hasText: "FT001" }).first().waitFor();
      assert.deepEqual(await underlines(page), [
        { severity: "warning", text: "counter += 1", line: 10 },
      ]);
      assert.deepEqual(await gutterMarkers(page), [{ severity: "warning", line: 10 }]);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("hover shows the message, the rule's code and name, and a link to the rule", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      await replaceSource(page, NON_ASCII);
      await page.locator(".cm-lintRange").first().hover();
      const card = page.locator(".cm-tooltip-lint .cm-aether-card");
      await card.waitFor();
      assert.equal(await card.locator(".cm-aether-code").innerText(), "FT001");
      assert.equal(await card.locator(".cm-aether-name").innerText(), "rmw-global");
      assert.match(await card.locator(".cm-aether-message").innerText(), /`counter \+= 1` reads and writes/);
      const link = card.locator("a.cm-aether-rule");
      assert.equal(await link.getAttribute("href"), "#rule=FT001");
      await link.click();
      const entry = page.locator('[data-testid="rule-entry"][data-code="FT001"]');
      await entry.getByTestId("rule-explanation").waitFor();
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("clicking a diagnostic in the list selects its range in the editor", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      await replaceSource(page, NON_ASCII);
      await page.getByTestId("diagnostic").filter({ hasText: "FT001" }).first().click();
      assert.equal(await selectedLine(page), 10);
      assert.equal(await selectedText(page), "counter += 1");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("a quick fix shows the change and applies it only on request", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      await replaceSource(page, FIXABLE);
      const before = await editorText(page);
      // From the hover card's action.
      await page.locator(".cm-lintRange").first().hover();
      await page.locator(".cm-tooltip-lint button", { hasText: "Show fix" }).click();
      const dialog = page.getByTestId("fix-dialog");
      await dialog.waitFor();
      const diff = await dialog.getByTestId("fix-diff").innerText();
      assert.match(diff, /with /, diff);
      assert.match(diff, /threading\.Lock\(\)/, diff);
      assert.match(await dialog.getByTestId("fix-applicability").innerText(), /^Unsafe/);
      // Cancel changes nothing.
      await dialog.getByTestId("fix-cancel").click();
      assert.equal(await editorText(page), before);
      // From the list, then applied.
      await page.getByTestId("fix-link").first().click();
      await page.getByTestId("fix-apply").click();
      await settle(page);
      const after = await editorText(page);
      assert.notEqual(after, before);
      assert.match(after, /with \w+:\n {8}counter \+= 1\n/);
      await page.getByTestId("no-hazards").waitFor();
      // One undo brings the whole fix back out.
      await page.getByTestId("editor").focus();
      await page.keyboard.press("ControlOrMeta+z");
      assert.equal(await editorText(page), before);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("the preview lists the lines a safe fix removes and adds; Apply makes that change", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      await replaceSource(page, SAFE_FIXABLE);
      await page.getByTestId("diagnostic").filter({ hasText: "FT002" }).first().waitFor();
      await page.getByTestId("fix-link").first().click();
      const dialog = page.getByTestId("fix-dialog");
      await dialog.waitFor();
      assert.match(await dialog.getByTestId("fix-applicability").innerText(), /^Safe/);
      const removed = await dialog.locator(".diff-removed .diff-text").allInnerTexts();
      const added = await dialog.locator(".diff-added .diff-text").allInnerTexts();
      assert.deepEqual(removed, ["    if key not in cache:", "        cache[key] = []"]);
      assert.deepEqual(added, ["    cache.setdefault(key, [])"]);
      const numbers = await dialog.locator(".diff-removed .diff-number").allInnerTexts();
      assert.deepEqual(numbers, ["7", "8"]);
      await dialog.getByTestId("fix-apply").click();
      await settle(page);
      assert.equal(
        await editorText(page),
        SAFE_FIXABLE.replace(
          "    if key not in cache:\n        cache[key] = []\n",
          "    cache.setdefault(key, [])\n",
        ),
      );
      await page.getByTestId("no-hazards").waitFor();
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("indents on Enter and Tab, undoes, finds and matches brackets", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      await replaceSource(page, "");
      const editor = page.getByTestId("editor");
      await editor.focus();
      await page.keyboard.type("def f(x):");
      await page.keyboard.press("Enter");
      await page.keyboard.type("return x");
      assert.equal(await editorText(page), "def f(x):\n    return x");
      await page.keyboard.press("Home");
      await page.keyboard.press("Tab");
      assert.equal(await editorText(page), "def f(x):\n        return x");
      await page.keyboard.press("ControlOrMeta+z");
      assert.equal(await editorText(page), "def f(x):\n    return x");
      // Bracket matching: the cursor after `(x)` marks the pair.
      await page.keyboard.press("ControlOrMeta+Home");
      for (let i = 0; i < "def f(x)".length; i++) await page.keyboard.press("ArrowRight");
      assert.equal(await page.locator(".cm-matchingBracket").count(), 2);
      // Search panel.
      await page.keyboard.press("ControlOrMeta+f");
      const search = page.locator(".cm-search input[name=search]");
      await search.waitFor();
      await search.focus();
      await page.keyboard.type("return");
      await page.keyboard.press("Enter");
      assert.equal(await selectedText(page), "return");
      await page.keyboard.press("Escape");
      assert.equal(await page.locator(".cm-search").count(), 0);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("\\N{...} names resolve from a table fetched only when a text uses one", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    const tableRequests = [];
    context.on("request", (request) => {
      if (request.url().endsWith("/unicode-names.txt")) tableRequests.push(request.url());
    });
    try {
      // The example has no escape: loading the page did not download the table.
      await replaceSource(page, NON_ASCII);
      await page.getByTestId("diagnostic").filter({ hasText: "FT001" }).first().waitFor();
      assert.deepEqual(tableRequests, []);

      const named = `label = "\\N{BULLET} \\N{cjk unified ideograph-4e00} \\N{LF}"\n${NON_ASCII}`;
      await replaceSource(page, named);
      await page.getByTestId("diagnostic").filter({ hasText: "FT001" }).first().waitFor();
      assert.equal(await page.getByTestId("diagnostic").filter({ hasText: "FT000" }).count(), 0);
      assert.equal(tableRequests.length, 1);

      await replaceSource(page, `label = "\\N{NO SUCH CHARACTER}"\n${NON_ASCII}`);
      const refusal = page.getByTestId("diagnostic").filter({ hasText: "FT000" });
      await refusal.first().waitFor();
      assert.match(await refusal.first().innerText(), /^1:\d+\s+FT000/);
      assert.equal(tableRequests.length, 1, "the table is fetched once per worker");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
