// Share links and autosave in real Chromium: a link restores the whole state in a fresh
// browser, an old v1 link still opens, bad links are refused without losing the user's work,
// a reload restores, and the work a link replaced can be restored.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { startServer } from "./server.js";
import {
  DIST,
  assertNoErrors,
  editorCall,
  editorText,
  launchBrowser,
  linkTo,
  openPlayground,
  replaceSource,
  settle,
  waitUntilIdle,
} from "./helpers.js";

const CODE = `import threading

# ünïcødé 😀 漢字
counter = 0
_conn = None

def connect():
    global _conn
    if _conn is None:
        _conn = object()

def worker():
    global counter
    counter += 1

for _ in range(2):
    threading.Thread(target=worker).start()
    threading.Thread(target=connect).start()
`;

// Made by the first version of the link format (src/web/share.rs keeps the same link in a unit
// test). It must open as long as the playground exists.
const STORED_V1 =
  "v1/TY-xTsMwEIZfxTJrQE5LEI3EyhMwRqocx1CrF190sVuhKhJvARsSGwNiZeiWZ4GZR-Ac1KrT6f_v9N3_76TBxspSurZDCiKsyOrG-YfKV95g9MGSuBGq8mdi3Pvx04xfzfgufl9fnsTP_u3747nyMpO62TjDnJ2so4OGgSb2AVte4cbSiqHsqYsZGwbJ9qzyKxb_D5O8ZLVFWgNOt50mDWDh_J60CQ7Tl4O3PHqJuSh4VQOaNedekubF5Ce7Q-fD9CzLFbeYZfmChxwyCa4mTY-yDBRtYnsLfEgROF02TZa3d0rNWfZGA-NTQxdsy8hCKXWS_5qRJlKPlG4It7Kcp64QW45ZDMMf";

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

/** What the page shows: the state a link must restore. */
async function visibleState(page) {
  const scaling = page.getByTestId("scaling-panel");
  return {
    code: await editorText(page),
    cursor: await editorCall(page, "cursor"),
    build: await page.getByTestId("advice-build").inputValue(),
    cores: await page.getByTestId("advice-cores").inputValue(),
    threads: await page.getByTestId("advice-threads").inputValue(),
    points: await page.locator(".usl-points").inputValue(),
    scalingOpen: (await scaling.count()) === 1,
    lock: (await scaling.count()) ? await page.getByTestId("scaling-lock").inputValue() : null,
    items: (await scaling.count()) ? await page.getByTestId("scaling-items").inputValue() : null,
    expandedRule: await page
      .locator('[data-testid="rule-entry"].expanded')
      .evaluateAll((entries) => entries.map((entry) => entry.dataset.code)),
  };
}

async function setRange(page, testid, value) {
  await page.getByTestId(testid).evaluate((input, value) => {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, String(value));
}

describe("share links and autosave", () => {
  test("a shared link restores code, settings, panel, sliders and cursor in a fresh browser", async (t) => {
    const { page, context, errors } = await openPlayground(browser, server);
    let state;
    let link;
    try {
      await replaceSource(page, CODE);
      await page.getByTestId("advice-build").selectOption("3.13t");
      await page.getByTestId("advice-cores").fill("16");
      await page.getByTestId("advice-threads").fill("12");
      await page.locator(".usl-points").fill("1,100\n2,180\n4,300\n");
      await page.getByTestId("scaling-toggle").click();
      await page.getByTestId("scaling-panel").waitFor();
      await settle(page);
      await setRange(page, "scaling-lock", 35);
      await setRange(page, "scaling-items", 4200);
      await page.locator("li.diagnostic").filter({ hasText: "FT003" }).getByTestId("rule-link").click();
      await page.locator('[data-testid="rule-entry"][data-code="FT003"].expanded').waitFor();
      await editorCall(page, "select", { row: 4, column: 3 }, { row: 4, column: 3 });
      await settle(page);
      state = await visibleState(page);
      await page.getByTestId("share-toggle").click();
      link = await page.getByTestId("share-link").inputValue();
      assert.match(link, /#v1\/[A-Za-z0-9_-]+$/);
      // The address bar holds the state too.
      assert.equal(await page.evaluate(() => location.hash), link.slice(link.indexOf("#")));
      assert.ok(link.length < 8_000, `${link.length} characters`);
      t.diagnostic(`link: ${link.length} characters for ${CODE.length} characters of code`);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }

    const fresh = await browser.newContext();
    try {
      const page = await fresh.newPage();
      await page.goto(link);
      await waitUntilIdle(page);
      await settle(page);
      assert.deepEqual(await visibleState(page), state);
      // The link's state now lives in the autosave; the address bar is clean again.
      assert.equal(await page.evaluate(() => location.hash), "");
    } finally {
      await fresh.close();
    }
  });

  test("a stored v1 link still opens", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}#${STORED_V1}`);
      await waitUntilIdle(page);
      assert.equal(await editorText(page), "import threading\n\ncounter = 0\n# ünïcødé 😀 漢字\n");
      assert.deepEqual(await editorCall(page, "cursor"), { row: 3, column: 5 });
      assert.equal(await page.getByTestId("advice-build").inputValue(), "custom");
      assert.equal(await page.getByTestId("advice-overhead").inputValue(), "0.2");
      assert.equal(await page.getByTestId("advice-cores").inputValue(), "16");
      assert.equal(await page.locator(".usl-points").inputValue(), "1,100\n2,190\n");
      await page.locator('[data-testid="rule-entry"][data-code="FT003"].expanded').waitFor();
      assert.equal(await page.getByTestId("scaling-items").inputValue(), "5000");
      assert.equal(await page.getByTestId("scaling-threads").inputValue(), "8");
    } finally {
      await context.close();
    }
  });

  test("malformed, truncated, unknown and oversized links say why and keep the user's work", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      const mine = "# my own work\nx = 1\n";
      await replaceSource(page, mine);
      await page.waitForTimeout(700); // the autosave
      const good = linkTo({ code: "y = 2\n" });
      const zipBomb = `v1/${deflateRawSync(Buffer.alloc(30_000_000, 32)).toString("base64url")}`;
      const cases = [
        ["v1/not*base64!", /damaged/],
        [good.slice(0, good.length - 7), /incomplete or damaged/],
        ["v7/abcdef", /format “v7”/],
        [zipBomb, /more than 1100000 bytes/],
        [linkTo(["a list", "not a state"]), /does not hold a playground state/],
      ];
      for (const [fragment, message] of cases) {
        await page.goto(`${server.url}#${fragment}`);
        await page.reload();
        await waitUntilIdle(page);
        const notice = page.getByTestId("link-error");
        await notice.waitFor();
        assert.match(await notice.innerText(), message, fragment.slice(0, 40));
        assert.equal(await editorText(page), mine, fragment.slice(0, 40));
      }
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("library mode changes the analysis and travels in links", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      await replaceSource(page, "counter = 0\n\n\ndef add():\n    global counter\n    counter += 1\n");
      const finding = page.locator("li.diagnostic").filter({ hasText: "FT001" });
      await finding.first().waitFor();
      assert.match(await finding.first().getAttribute("class"), /severity-info/);
      await page.getByTestId("library-mode").check();
      await page.locator("li.diagnostic.severity-warning").filter({ hasText: "FT001" }).waitFor();
      await page.getByTestId("share-toggle").click();
      const link = await page.getByTestId("share-link").inputValue();
      const fresh = await browser.newContext();
      const opened = await fresh.newPage();
      await opened.goto(link);
      await waitUntilIdle(opened);
      assert.equal(await opened.getByTestId("library-mode").isChecked(), true);
      await opened.locator("li.diagnostic.severity-warning").filter({ hasText: "FT001" }).waitFor();
      await fresh.close();
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("a reload restores code and settings", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      const text = `# kept across reloads ${Date.now()}\nx = 1\n`;
      await replaceSource(page, text);
      await page.getByTestId("advice-threads").fill("7");
      // No wait for the autosave's timer: leaving the page saves too.
      await page.reload();
      await waitUntilIdle(page);
      assert.equal(await editorText(page), text);
      assert.equal(await page.getByTestId("advice-threads").inputValue(), "7");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("a link replaces the work, which one click restores", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      const mine = "# mine, not the link's\nvalue = 41\n";
      await replaceSource(page, mine);
      await page.waitForTimeout(700);
      const shared = "# from a link\nvalue = 1\n";
      // Opened in a new tab: the page starts from the link.
      const tab = await context.newPage();
      await tab.goto(`${server.url}#${linkTo({ code: shared })}`);
      await waitUntilIdle(tab);
      assert.equal(await editorText(tab), shared);
      await tab.getByTestId("restore-previous").click();
      assert.equal(await editorText(tab), mine);
      // Restored for good: a reload keeps it.
      await settle(tab);
      await tab.reload();
      await waitUntilIdle(tab);
      assert.equal(await editorText(tab), mine);
      // Pasted into the address bar of an open page: the same, without a reload.
      await page.goto(`${server.url}#${linkTo({ code: shared })}`);
      await page.getByTestId("link-opened").waitFor();
      assert.equal(await editorText(page), shared);
      await page.getByTestId("restore-previous").click();
      assert.equal(await editorText(page), mine);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("copy link, copy as Markdown, Ctrl+S, and the long-link notice", async () => {
    const { page, context, errors } = await openPlayground(browser, server, {
      permissions: ["clipboard-read", "clipboard-write"],
    });
    try {
      await replaceSource(page, CODE);
      await page.getByTestId("share-toggle").click();
      await page.getByTestId("copy-markdown").click();
      await page.getByTestId("share-status").filter({ hasText: "Markdown copied" }).waitFor();
      const markdown = await page.evaluate(() => navigator.clipboard.readText());
      assert.ok(markdown.startsWith(`\`\`\`python\n${CODE}\`\`\`\n`), markdown);
      assert.match(markdown, /- line 14: `FT001` rmw-global: /);
      assert.match(markdown, /\[Open in the Aether playground\]\(http:\/\/127\.0\.0\.1:\d+\/#v1\//);
      assert.equal(await page.getByTestId("long-link").count(), 0);

      // Ctrl+S from inside the editor copies a fresh link.
      await page.getByTestId("share-toggle").click();
      const long = Array.from({ length: 300 }, (_, i) => `value_${i} = compute(${i * 7919 % 1000}, "${(i * 104729).toString(36)}")`).join("\n");
      await replaceSource(page, long);
      await page.getByTestId("editor").focus();
      await page.keyboard.press("ControlOrMeta+s");
      await page.getByTestId("share-status").filter({ hasText: "Link copied" }).waitFor();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(copied, await page.getByTestId("share-link").inputValue());
      assert.ok(copied.length > 2_000 && copied.length < 8_000, `${copied.length}`);
      await page.getByTestId("long-link").waitFor();
      // Escape closes the panel.
      await page.keyboard.press("Escape");
      assert.equal(await page.getByTestId("share-panel").count(), 0);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
