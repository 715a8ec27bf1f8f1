// Renders the README's screenshot (www/screenshot.png) from a release build in dist/:
// `scripts/e2e` (or a trunk build), then `node tests/e2e/screenshot.mjs`. It shows the first
// visit's example with a finding's hover card open.
import { fileURLToPath } from "node:url";
import { DIST, launchBrowser, openPlayground } from "./helpers.js";
import { startServer } from "./server.js";

const server = await startServer({ root: DIST, isolated: true });
const browser = await launchBrowser();
try {
  const { page } = await openPlayground(browser, server, {
    viewport: { width: 1600, height: 1000 },
    colorScheme: "light",
  });
  await page.getByTestId("diagnostic").first().waitFor();
  await page.locator(".cm-lintRange").first().hover({ position: { x: 6, y: 6 } });
  await page.locator(".cm-tooltip-lint").waitFor();
  await page.screenshot({ path: fileURLToPath(new URL("../../www/screenshot.png", import.meta.url)) });
} finally {
  await browser.close();
  await server.close();
}
