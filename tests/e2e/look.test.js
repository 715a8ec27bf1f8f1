// Look and reach in real Chromium: themes, narrow and common widths, labels, keyboard-only use
// and the keyboard shortcuts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./server.js";
import {
  DIST,
  assertNoErrors,
  launchBrowser,
  openPlayground,
  replaceSource,
  settle,
  waitUntilIdle,
} from "./helpers.js";

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

const background = (page, selector) =>
  page.locator(selector).first().evaluate((element) => getComputedStyle(element).backgroundColor);

/** Perceived lightness (0-255) of an `rgb(...)` colour. */
function lightness(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).map(Number);
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/** Elements whose box sticks out of the viewport or of their panel. */
function clipped(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    for (const element of document.querySelectorAll("button, select, input, textarea, a, h1, h2")) {
      const box = element.getBoundingClientRect();
      if (box.width === 0) continue;
      const panel = element.closest(".editor-panel, .results-panel, .advice-panel, .header");
      const bounds = panel ? panel.getBoundingClientRect() : { left: 0, right: width };
      if (box.left < bounds.left - 1 || box.right > bounds.right + 1 || box.right > width + 1) {
        out.push(`${element.tagName} "${(element.textContent || element.getAttribute("aria-label") || "").trim().slice(0, 30)}" ${Math.round(box.left)}-${Math.round(box.right)} in ${Math.round(bounds.left)}-${Math.round(bounds.right)}`);
      }
    }
    return out;
  });
}

describe("look and reach", () => {
  test("follows the system's dark scheme, and the toggle is remembered", async () => {
    const { page, context, errors } = await openPlayground(browser, server, { colorScheme: "dark" });
    try {
      assert.ok(lightness(await background(page, "body")) < 60, "dark page");
      assert.ok(lightness(await background(page, ".cm-editor")) < 60, "dark editor");
      assert.equal(await page.getByTestId("theme-toggle").getAttribute("aria-pressed"), "true");
      await page.getByTestId("theme-toggle").click();
      assert.ok(lightness(await background(page, "body")) > 200, "light after the toggle");
      assert.ok(lightness(await background(page, ".cm-editor")) > 200, "light editor");
      await page.reload();
      await waitUntilIdle(page);
      assert.ok(lightness(await background(page, "body")) > 200, "the choice outlives a reload");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  for (const width of [360, 768, 1400, 1920]) {
    test(`nothing clips at ${width} px`, async () => {
      const { page, context, errors } = await openPlayground(browser, server, {
        viewport: { width, height: 900 },
      });
      try {
        await page.getByTestId("diagnostic").first().waitFor();
        assert.deepEqual(await clipped(page), []);
        const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(scroll <= width, `the page scrolls sideways: ${scroll} > ${width}`);
        // Every finding's actions are on screen.
        for (const action of await page.getByTestId("rule-link").all()) {
          const box = await action.boundingBox();
          assert.ok(box.x >= 0 && box.x + box.width <= width, `explain at ${box.x}`);
        }
        assertNoErrors(errors);
      } finally {
        await context.close();
      }
    });
  }

  test("every control has a name screen readers announce", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      await page.getByTestId("scaling-toggle").click();
      await page.getByTestId("report-toggle").click();
      await page.getByTestId("scaling-panel").waitFor();
      const unnamed = await page.evaluate(() => {
        const name = (element) => {
          const labelled = element.getAttribute("aria-labelledby");
          return (
            element.getAttribute("aria-label") ||
            (labelled && document.getElementById(labelled)?.textContent) ||
            element.labels?.[0]?.textContent ||
            element.closest("label")?.textContent ||
            element.textContent ||
            element.getAttribute("title") ||
            ""
          ).trim();
        };
        const controls = document.querySelectorAll("button, select, input, textarea, a[href], [contenteditable=true], [role=textbox]");
        return [...controls].filter((element) => !name(element)).map((element) => element.outerHTML.slice(0, 80));
      });
      assert.deepEqual(unnamed, []);
      assert.match(await page.getByTestId("editor").getAttribute("aria-label"), /Python source/);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("works with the keyboard alone: Tab order, Escape closes panels, shortcuts", async () => {
    const { page, context, errors } = await openPlayground(browser, server, {
      permissions: ["clipboard-read", "clipboard-write"],
    });
    try {
      // Tab from the top reaches the header's buttons in order, then the examples menu and the
      // editor.
      const reached = [];
      for (let i = 0; i < 12; i++) {
        await page.keyboard.press("Tab");
        reached.push(await page.evaluate(() => document.activeElement.dataset.testid ?? document.activeElement.className));
      }
      const order = ["tour-start", "share-toggle", "report-toggle", "rules-toggle", "theme-toggle", "examples", "editor"];
      const positions = order.map((id) => reached.indexOf(id));
      assert.ok(positions.every((position) => position >= 0), JSON.stringify(reached));
      assert.deepEqual([...positions].sort((a, b) => a - b), positions, JSON.stringify(reached));

      // Open the Rules panel with the keyboard, close it with Escape.
      await page.getByTestId("rules-toggle").focus();
      await page.keyboard.press("Enter");
      await page.getByTestId("rules-panel").waitFor();
      await page.keyboard.press("Escape");
      assert.equal(await page.getByTestId("rules-panel").count(), 0);
      // The Report too.
      await page.getByTestId("report-toggle").focus();
      await page.keyboard.press("Enter");
      await page.getByTestId("report-panel").waitFor();
      await page.keyboard.press("Escape");
      assert.equal(await page.getByTestId("report-panel").count(), 0);

      // The editor keeps Tab for indentation; Escape then Tab moves on.
      await page.getByTestId("editor").focus();
      await page.keyboard.press("Escape");
      await page.keyboard.press("Tab");
      assert.notEqual(await page.evaluate(() => document.activeElement.dataset.testid), "editor");

      // Ctrl/Cmd+Enter runs the simulation (opening the Scaling view).
      await page.getByTestId("editor").focus();
      await page.keyboard.press("ControlOrMeta+Enter");
      await page.getByTestId("scaling-panel").waitFor();
      await settle(page);
      await page.getByTestId("scaling-time").waitFor();
      // Ctrl/Cmd+S copies the share link instead of saving the page.
      await page.keyboard.press("ControlOrMeta+s");
      await page.getByTestId("share-status").filter({ hasText: "Link copied" }).waitFor();
      // The fix dialog takes focus and Escape closes it.
      await replaceSource(page, "import threading\nn = 0\ndef f():\n    global n\n    n += 1\nfor _ in range(2):\n    threading.Thread(target=f).start()\n");
      await page.getByTestId("fix-link").first().focus();
      await page.keyboard.press("Enter");
      await page.getByTestId("fix-dialog").waitFor();
      assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "fix-apply");
      await page.keyboard.press("Escape");
      assert.equal(await page.getByTestId("fix-dialog").count(), 0);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
