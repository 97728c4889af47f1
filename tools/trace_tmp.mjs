import { chromium } from "../end2end/node_modules/playwright-core/index.mjs";
const [base, path, login] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: "zh-CN" });
if (login) await context.request.post(`${base}/api/login`, { data: { login, password: "qudao2026" }, headers: { origin: base } });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
await browser.startTracing(page, { path: "/tmp/trace.json", categories: ["devtools.timeline", "v8", "v8.wasm", "disabled-by-default-v8.wasm.detailed", "disabled-by-default-devtools.timeline", "blink", "toplevel", "v8.execute"] });
await page.goto(`${base}${path}`);
await page.locator("body[data-hydrated]").waitFor({ timeout: 60000 });
await page.waitForTimeout(1500);
await browser.stopTracing();
await browser.close();
