// The examples menu, the guided tour and the Report panel in real Chromium.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { startServer } from "./server.js";
import {
  DIST,
  assertNoErrors,
  editorText,
  launchBrowser,
  openPlayground,
  replaceSource,
  selectedLine,
  settle,
} from "./helpers.js";

const EXAMPLES = new URL("../../www/examples/", import.meta.url);

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

async function findingCodes(page) {
  const texts = await page.getByTestId("diagnostic").allInnerTexts();
  return [...new Set(texts.map((text) => text.match(/FT\d{3}/)[0]))].sort();
}

describe("examples, tour and report", () => {
  test("the examples menu has a program per hazard family, each with its fix one click away", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      const options = await page.getByTestId("examples").locator("option[value]:not([value=''])").all();
      assert.ok(options.length >= 10, `${options.length} examples`);
      for (const id of ["cache", "shared_instance", "copy_clear"]) {
        await page.getByTestId("examples").selectOption(id);
        const source = await readFile(new URL(`${id}.py`, EXAMPLES), "utf8");
        assert.equal(await editorText(page), source);
        await settle(page);
        const hazards = await findingCodes(page);
        assert.ok(hazards.length > 0, `${id} shows no finding`);

        await page.getByTestId("example-version").click();
        const fixed = await readFile(new URL(`${id}_fixed.py`, EXAMPLES), "utf8");
        assert.equal(await editorText(page), fixed);
        await settle(page);
        await page.getByTestId("no-hazards").waitFor();
        assert.equal(await page.getByTestId("example-version").innerText(), "Show the hazard");
      }
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("the tour walks from a racy counter to the GIL against free threading", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      await page.getByTestId("tour-start").click();
      const tour = page.getByTestId("tour");
      await tour.waitFor();
      await settle(page);
      assert.match(await editorText(page), /requests_served \+= 1/);
      assert.deepEqual(await findingCodes(page), ["FT001"]);

      await page.getByTestId("tour-next").click(); // the rule
      await page.locator('[data-testid="rule-entry"][data-code="FT001"].expanded').waitFor();
      await page.getByTestId("tour-next").click(); // the fix
      await settle(page);
      await page.getByTestId("no-hazards").waitFor();

      // CPU-bound: the GIL stays flat, the free-threaded build grows with the cores.
      await page.getByTestId("tour-next").click();
      await page.getByTestId("scaling-panel").waitFor();
      await settle(page);
      assert.equal(await page.getByTestId("scaling-lock").inputValue(), "0");
      const verdictCpu = await page.getByTestId("scaling-panel").innerText();
      await page.getByTestId("tour-next").click(); // a lock held 30% of the time
      await settle(page);
      assert.equal(await page.getByTestId("scaling-lock").inputValue(), "30");
      await page.getByTestId("tour-next").click(); // work that waits
      await settle(page);
      assert.equal(await page.getByTestId("scaling-lock").inputValue(), "0");
      assert.notEqual(await page.getByTestId("scaling-panel").innerText(), verdictCpu);
      assert.equal(await page.getByTestId("tour-next").innerText(), "Finish");
      await page.getByTestId("tour-next").click();
      assert.equal(await tour.count(), 0);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test("the Report counts lines, functions, entry points and findings, and downloads", async () => {
    const { page, context, errors } = await openPlayground(browser, server);
    try {
      await page.getByTestId("examples").selectOption("hazards");
      await settle(page);
      await page.getByTestId("report-toggle").click();
      const panel = page.getByTestId("report-panel");
      await panel.getByTestId("report-rules").waitFor();
      assert.equal(await panel.getByTestId("report-lines").innerText(), "42");
      assert.equal(await panel.getByTestId("report-functions").innerText(), "4");
      assert.equal(await panel.getByTestId("report-entries").innerText(), "3");
      assert.equal(await panel.getByTestId("report-findings").innerText(), "3");
      assert.match(await panel.getByTestId("report-analysis-time").innerText(), /^\d+\.\d ms$/);
      const rows = await panel.locator("tbody tr").evaluateAll((rows) => rows.map((row) => row.dataset.code));
      assert.deepEqual(rows, ["FT001", "FT002", "FT003"]);
      const entries = await panel.getByTestId("report-entry").allInnerTexts();
      assert.deepEqual(entries, ["line 35", "line 40", "line 42"]);
      await panel.getByTestId("report-entry").first().click();
      assert.equal(await selectedLine(page), 35);
      // The values the threads share, each with how it became shared.
      assert.equal(await panel.getByTestId("report-shared").innerText(), "3");
      const shared = await panel.getByTestId("report-shared-value").allInnerTexts();
      assert.deepEqual(shared, [
        "line 30: _conn, 3 accesses in threads: a module-level name that connection changes while threads use it",
        "line 18: cache[...], 3 accesses in threads: the {} created at line 6 is held by module-level cache",
        "line 13: hits, 1 access in threads: a module-level name that count_hit changes while threads use it",
      ]);
      await panel.getByTestId("report-shared-value").nth(1).getByRole("button").click();
      assert.equal(await selectedLine(page), 18);

      const [json] = await Promise.all([page.waitForEvent("download"), panel.getByTestId("report-json").click()]);
      assert.equal(json.suggestedFilename(), "aether-report.json");
      const report = JSON.parse(await readFile(await json.path(), "utf8"));
      assert.equal(report.functions, 4);
      assert.deepEqual(
        report.shared_values.map((value) => value.name),
        ["_conn", "cache[...]", "hits"],
      );
      assert.equal(report.diagnostics.length, 3);
      // The diagnostics are what `aether check --output-format json` prints for the same file.
      const cli = JSON.parse(
        execFileSync("cargo", ["run", "-q", "--", "check", "--output-format", "json", "--exit-zero", "www/examples/hazards.py"], {
          cwd: fileURLToPath(new URL("../..", import.meta.url)),
          encoding: "utf8",
        }),
      );
      assert.deepEqual(
        report.diagnostics,
        cli.map((entry) => ({ ...entry, filename: "playground.py" })),
      );
      const [markdown] = await Promise.all([page.waitForEvent("download"), panel.getByTestId("report-markdown").click()]);
      const text = await readFile(await markdown.path(), "utf8");
      assert.match(text, /^# Aether report: `playground.py`\n/);
      assert.match(text, /\| FT001 \| rmw-global \| 0 \| 1 \| 0 \|/);
      assert.match(text, /## Shared values\n\n- line 30: `_conn`/);

      // The report follows edits while open.
      await replaceSource(page, "def only():\n    pass\n");
      await panel.getByTestId("report-functions").filter({ hasText: /^1$/ }).waitFor();
      assert.equal(await panel.getByTestId("report-entries").innerText(), "0");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
