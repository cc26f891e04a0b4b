// The demo as a user sees it (run by scripts/demo-browser): log in to Home Assistant with a
// headless Chromium, open the gateway's and each meter's device page, wait until the
// logbook there shows the integration's events, and save a screenshot of each page.
// Exits 0 when every meter's page shows its update, 1 otherwise.
//
//   node demo/browser.mjs <Home Assistant URL> <.demo/demo.json> <output folder> <chromium>
// playwright-core is looked up in the output folder (scripts/demo-browser installs it there).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [base, stateFile, outDir, executablePath] = process.argv.slice(2);
const { chromium } = createRequire(`${outDir}/`)("playwright-core");
const { username, password } = JSON.parse(readFileSync(stateFile, "utf8"));
const PAGE_TIMEOUT = 30_000;

const browser = await chromium.launch({
  executablePath,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
let failures = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
  await page.goto(`${base}/`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.keyboard.press("Enter");
  await page.waitForFunction(
    () => document.querySelector("home-assistant")?.hass?.connected === true,
    null,
    { timeout: PAGE_TIMEOUT },
  );
  const devices = await page.evaluate(() =>
    document.querySelector("home-assistant").hass.callWS({ type: "config/device_registry/list" }),
  );
  const ours = devices.filter((device) =>
    device.identifiers.some(([domain]) => domain === "tr069"),
  );
  for (const device of ours) {
    const meter = device.via_device_id !== null;
    // What the logbook says on that device's page (logbook.py writes these lines).
    const expected = meter ? "updated by a configuration file" : "applied configuration file";
    const name = device.name_by_user || device.name;
    await page.goto(`${base}/config/devices/device/${device.id}`);
    let found = true;
    try {
      await page.getByText(expected).first().waitFor({ timeout: PAGE_TIMEOUT });
    } catch {
      found = false;
      if (meter) failures += 1;
    }
    const file = `${outDir}/${(device.serial_number || device.id).replace(/[^\w.-]/g, "_")}.png`;
    await page.screenshot({ path: file, fullPage: true });
    console.log(`${found ? "ok     " : "MISSING"} ${name}: "${expected}" in its logbook (${file})`);
  }
  if (!ours.some((device) => device.via_device_id !== null)) {
    console.log("MISSING meter devices");
    failures += 1;
  }
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
