// Renders the README's screenshot (www/screenshot.png) from a release build in dist/:
// `scripts/e2e` (or a trunk build), then `node tests/e2e/screenshot.mjs`.
import { fileURLToPath } from "node:url";
import { DIST, launchBrowser, openPlayground } from "./helpers.js";
import { startServer } from "./server.js";

const server = await startServer({ root: DIST, isolated: true });
const browser = await launchBrowser();
try {
  const { page } = await openPlayground(browser, server, {
    viewport: { width: 1600, height: 1000 },
  });
  await page.screenshot({ path: fileURLToPath(new URL("../../www/screenshot.png", import.meta.url)) });
} finally {
  await browser.close();
  await server.close();
}
