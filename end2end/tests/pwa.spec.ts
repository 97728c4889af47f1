import { chromium as pw, expect, test } from "@playwright/test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { baseURL, chromium } from "../playwright.config";
import { hydrated, newDevice } from "./helpers";

// Installability is only reported for a persistent (non-incognito) profile.
test("the app is installable and a reload while offline shows the offline page", async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "qudao-pwa-"));
  const context = await pw.launchPersistentContext(profile, {
    ...chromium,
    baseURL,
    locale: "zh-CN",
    viewport: { width: 1024, height: 768 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto("/login");
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 20_000 });
    // the service worker installs, precaches and takes control
    await page.waitForFunction(async () => {
      const reg = await navigator.serviceWorker.ready;
      return reg.active !== null && navigator.serviceWorker.controller !== null;
    }, null, { timeout: 20_000 });

    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    expect(installabilityErrors).toEqual([]);

    await context.setOffline(true);
    await page.reload();
    await expect(page.getByRole("heading", { name: "当前没有网络连接" })).toBeVisible();
    await context.setOffline(false);
    await page.getByRole("button", { name: "重试 / Retry" }).click();
    await expect(page.getByRole("heading", { name: "登录渠道" })).toBeVisible();
  } finally {
    await context.close();
  }
});

// On a first visit the service worker downloads the whole app for offline use (~1.6 MB).
// It is registered once the page works: begun earlier, its downloads took the tablet's
// line and the browser's six connections to the server from the chunks the page waited
// for. It still keeps the app from that first visit on.
test("on a first visit the service worker downloads the app only once the page's own code has come", async ({ page, browser }) => {
  const { context: fresh, tab: office } = await newDevice(page, browser, "laoban");
  // when each of the page's code files had come, and when each of the worker's downloads
  // began (as this test heard of them: the browser does not time the worker's requests)
  const pageCode: { url: string; done: number }[] = [];
  const worker: { url: string; at: number }[] = [];
  fresh.on("request", (r) => {
    if (r.serviceWorker()) worker.push({ url: new URL(r.url()).pathname, at: Date.now() });
  });
  fresh.on("requestfinished", (r) => {
    if (!r.serviceWorker() && /^\/pkg\/.*\.(wasm|js)$/.test(new URL(r.url()).pathname)) {
      pageCode.push({ url: new URL(r.url()).pathname, done: Date.now() });
    }
  });
  // the list's own chunk comes a second late, as on a slow line: a worker begun before
  // the page had its code would be downloading meanwhile
  await office.route(/\/pkg\/split_customer_list\.[^/]*\.wasm$/, async (route) => {
    await new Promise((r) => setTimeout(r, 1000));
    await route.continue();
  });
  await office.goto("/customers");
  await hydrated(office);
  const beforeHydrated = [...pageCode];
  await office.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null, null, { timeout: 20_000 });
  // the page's code: the main module and the customer list's chunk
  expect(beforeHydrated.some((c) => /\/qudao\.[^/]*wasm$/.test(c.url))).toBe(true);
  expect(beforeHydrated.some((c) => /\/split_customer_list\./.test(c.url))).toBe(true);
  // the worker's downloads: every part of the app, the other office pages' code among them
  expect(worker.some((w) => /^\/pkg\/split_office\./.test(w.url))).toBe(true);
  const firstDownload = Math.min(...worker.map((w) => w.at));
  for (const c of beforeHydrated) expect(c.done, c.url).toBeLessThanOrEqual(firstDownload);
  await fresh.close();
});

// A first visit whose page's code could not be fetched still leaves the app on the device:
// the page hydrates all the same (it says what failed), and the worker comes then.
test("a first visit whose page's code cannot be fetched still gets the service worker", async ({ page, browser }) => {
  const { context: fresh, tab: office } = await newDevice(page, browser, "laoban");
  // the page's requests only: the worker's downloads still come
  await office.route(/\/pkg\/split_customer_list\.[^/]*\.wasm$/, (route) => route.abort("internetdisconnected"));
  await office.goto("/customers");
  await hydrated(office);
  await expect(office.locator(".chunk-failed")).toBeVisible();
  await office.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null, null, { timeout: 20_000 });
  // and it keeps the page's code for the next visit
  const kept = await office.evaluate(async () => {
    const names = await caches.keys();
    for (const name of names) {
      const keys = await (await caches.open(name)).keys();
      if (keys.some((r) => /\/pkg\/split_customer_list\./.test(r.url))) return true;
    }
    return false;
  });
  expect(kept).toBe(true);
  await fresh.close();
});
