import { expect, test } from "@playwright/test";
import { expectNoHorizontalScroll, hydrated, signIn } from "./helpers";

test("the owner adds an employee, who can then sign in; deactivation locks them out", async ({ page, browser }) => {
  await signIn(page, "laoban");
  await page.getByRole("link", { name: "员工", exact: true }).click();
  await expect(page.getByRole("heading", { name: "员工", exact: true })).toBeVisible();
  await expect(page.locator("tr[data-login=huangtao]")).toContainText("已停用");
  await expectNoHorizontalScroll(page);
  await hydrated(page);

  await page.getByRole("button", { name: "新增员工" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  // the shared rule answers at once, in Chinese
  await dialog.getByLabel("姓名").fill("钱多多");
  await dialog.getByLabel("账号").fill("q");
  await dialog.getByRole("button", { name: "保存" }).click();
  await expect(dialog.locator("#login-error")).toHaveText("至少 3 个字符");
  await expect(dialog.locator("#password-error")).toHaveText("请填写此项");

  await dialog.getByLabel("账号").fill("qianduoduo");
  // a corrected field no longer shows its old error
  await expect(dialog.locator("#login-error")).toBeHidden();
  await expect(dialog.locator("#password-error")).toBeVisible();
  await dialog.getByLabel("电话").fill("13800001234");
  await dialog.getByLabel("负责区域").fill("江津区");
  await dialog.getByLabel("初始密码").fill("qian-2026-pw");
  await page.screenshot({ path: "test-results/staff-add-1024.png" });
  await dialog.getByRole("button", { name: "保存" }).click();
  await expect(page.getByRole("status")).toHaveText("已新增员工 钱多多。");
  await expect(page.locator("tr[data-login=qianduoduo]")).toContainText("业务员");

  // the new rep signs in elsewhere
  const repContext = await browser.newContext({ locale: "zh-CN" });
  const repPage = await repContext.newPage();
  await signIn(repPage, "qianduoduo", "qian-2026-pw");
  await expect(repPage.getByText("您好，钱多多")).toBeVisible();

  // the owner deactivates them: their next page load sends them to sign in
  await page.locator("tr[data-login=qianduoduo]").getByRole("button", { name: "停用" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "停用" }).click();
  await expect(page.getByRole("status")).toContainText("已停用 钱多多");
  await expect(page.locator("tr[data-login=qianduoduo]")).toContainText("已停用");
  await repPage.reload();
  await expect(repPage).toHaveURL(/\/login\?expired=1$/);
  await expect(repPage.getByText("登录已过期或已在别处退出，请重新登录。")).toBeVisible();
  await repContext.close();
});

test("a rep has no staff link and cannot reach the staff page", async ({ page }) => {
  await signIn(page, "zhangwei");
  await expect(page.getByText("您好，张伟")).toBeVisible();
  await expect(page.getByRole("navigation").getByRole("link", { name: "员工", exact: true })).toHaveCount(0);
  const response = await page.goto("/staff");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "没有权限" })).toBeVisible();
  await expect(page.locator("table")).toHaveCount(0);
});

test("an unknown page is a 404 in Chinese", async ({ page }) => {
  const response = await page.goto("/nowhere");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "页面不存在" })).toBeVisible();
});

test("the staff page fits a tablet held upright (768×1024)", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, locale: "zh-CN", hasTouch: true });
  const page = await context.newPage();
  await signIn(page, "laoban");
  await expect(page.getByText("您好，陈建国")).toBeVisible();
  await page.goto("/staff");
  await expect(page.locator("tr[data-login=lina]")).toBeVisible();
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: "test-results/staff-zh-768.png" });
  await context.close();
});
