// make bench: threshold recomputation on the segmentation page in Chromium.
// Usage: node bench/recompute.mjs http://127.0.0.1:3200 FROM TO
// Prints: page load → hydrated (ms, median of 5 full loads after a first) and the HTML's
// size, then for 30 moves of the A line (arrow key, same
// handler as a drag): the classifier's time in wasm (data-recompute-ms) and the time
// until the next frame is painted, medians and maxima.
import { chromium } from "@playwright/test";

const [base, from, to] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const page = await browser.newPage({ viewport: { width: 1024, height: 768 }, locale: "zh-CN" });
await page.goto(`${base}/login`);
await page.locator("body[data-hydrated]").waitFor({ timeout: 60_000 });
await page.locator("#login").fill("laoban");
await page.locator("#password").fill("qudao2026");
await page.locator("form.login-card button[type=submit]").click();
await page.waitForURL(`${base}/`);
// full loads: the first warms the server's caches and the browser's compiled wasm
const loads = [];
let html = 0;
for (let i = 0; i < 6; i++) {
  const t0 = Date.now();
  const response = await page.goto(`${base}/segmentation?from=${from}&to=${to}`, { timeout: 120_000 });
  await page.locator("body[data-hydrated]").waitFor({ timeout: 120_000 });
  await page.locator("svg.seg-chart").waitFor();
  if (i > 0) loads.push(Date.now() - t0);
  html = response ? (await response.body()).length : 0;
}
const customers = await page.evaluate(() =>
  ["A", "B", "C"].map((c) => Number(document.querySelector(`[data-testid=count-${c}]`).textContent)).reduce((a, b) => a + b, 0));
const wasm = [];
const frame = [];
for (let i = 0; i < 30; i++) {
  const key = i % 2 === 0 ? "ArrowDown" : "ArrowUp";
  frame.push(await page.evaluate((key) => new Promise((resolve) => {
    const h = document.querySelector('rect.seg-handle[data-line="A"]');
    const start = performance.now();
    h.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
    requestAnimationFrame(() => resolve(performance.now() - start));
  }), key));
  wasm.push(Number(await page.locator(".seg-chart-box").getAttribute("data-recompute-ms")));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs) => Math.max(...xs);
console.log(`customers on the page: ${customers}`);
console.log(`page load to hydrated: median ${median(loads)} ms of ${loads.join(" ")}; the page's HTML ${Math.round(html / 1024)} KB`);
console.log(`reclassify in wasm (Ranking::counts + bars): median ${median(wasm).toFixed(3)} ms, max ${max(wasm).toFixed(3)} ms`);
console.log(`threshold move → next frame: median ${median(frame).toFixed(1)} ms, max ${max(frame).toFixed(1)} ms`);
await browser.close();
