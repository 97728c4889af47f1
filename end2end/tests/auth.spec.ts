import { expect, test } from "@playwright/test";
import { expectNoHorizontalScroll, expectTouchTargets, hydrated, signIn } from "./helpers";

test("signs in in Chinese at 1024×768, switches to English and back, signs out", async ({ page }) => {
  await page.goto("/");
  // not signed in: sent to the sign-in page, in Chinese
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "登录渠道" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByLabel("账号")).toBeVisible();
  await expectTouchTargets(page);
  await page.screenshot({ path: "test-results/login-zh-1024.png" });

  await signIn(page, "laoban");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "工作台" })).toBeVisible();
  await expect(page.getByText("您好，陈建国")).toBeVisible();
  await expect(page.locator("[data-tile=staff] .tile-figure")).toHaveText("10");
  await expectNoHorizontalScroll(page);
  await expectTouchTargets(page);
  await page.screenshot({ path: "test-results/dashboard-zh-1024.png" });

  // to English; the choice survives a reload (server renders English)
  await hydrated(page);
  await page.getByRole("button", { name: "切换为英文界面" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.reload();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByText("Hello, 陈建国")).toBeVisible();
  await page.screenshot({ path: "test-results/dashboard-en-1024.png" });

  // and back to Chinese
  await hydrated(page);
  await page.getByRole("button", { name: "Switch to Chinese" }).click();
  await expect(page.getByRole("heading", { name: "工作台" })).toBeVisible();

  // the choice holds for the whole site, wherever it was made, and for a year
  await page.goto("/tickets/compliance");
  await hydrated(page);
  await page.getByRole("button", { name: "切换为英文界面" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  const [kept] = (await page.context().cookies()).filter((c) => c.name === "qudao_lang");
  expect(kept.value).toBe("en");
  expect(kept.path).toBe("/");
  expect(kept.expires * 1000).toBeGreaterThan(Date.now() + 300 * 24 * 3600 * 1000);
  for (const path of ["/", "/customers", "/tickets"]) {
    await page.goto(path);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
  }
  await hydrated(page);
  await page.getByRole("button", { name: "Switch to Chinese" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  for (const path of ["/", "/tickets/compliance", "/customers"]) {
    await page.goto(path);
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  }

  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
});

test("a wrong password gets a clear message and no session", async ({ page }) => {
  await signIn(page, "liumin", "wrong-password");
  await expect(page.getByRole("alert")).toHaveText("账号或密码不正确。");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.locator("#password")).toHaveValue("");
});

test("empty fields are named next to the inputs", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.locator("form.login-card button[type=submit]").click();
  await expect(page.locator("#login-error")).toHaveText("请填写此项");
  await expect(page.locator("#password-error")).toHaveText("请填写此项");
});

test("the phone layout (390×844) has no sideways scrolling", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "zh-CN", hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await signIn(page, "zhangwei");
  await expect(page.getByText("您好，张伟")).toBeVisible();
  await expectNoHorizontalScroll(page);
  await expectTouchTargets(page);
  await page.screenshot({ path: "test-results/dashboard-zh-390.png" });
  await context.close();
});
