import { chromium as pw, expect, test } from "@playwright/test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { baseURL, chromium } from "../playwright.config";

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
