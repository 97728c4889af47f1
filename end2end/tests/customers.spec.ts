import { expect, test, type Page } from "@playwright/test";
import * as fs from "node:fs";
import { expectNoHorizontalScroll, expectTouchTargets, hydrated, signedIn } from "./helpers";

/** Opens the profile of the customer with `code` through the list's search. */
async function openCustomer(page: Page, code: string) {
  await page.goto(`/customers?q=${encodeURIComponent(code)}`);
  await hydrated(page);
  await page.locator(`tr[data-code="${code}"] a.cust-name`).click();
  await expect(page.locator(".cust-head h1")).toBeVisible();
  await hydrated(page);
}

test("a manager creates a terminal under a sub-distributor on a tablet", async ({ page }) => {
  await signedIn(page, "liumin");
  await page.getByRole("navigation").getByRole("link", { name: "客户" }).click();
  await expect(page.getByRole("heading", { name: "客户档案" })).toBeVisible();
  await openCustomer(page, "EP001");
  await expect(page.locator("section[data-group=basic]")).toContainText("二批");
  await page.getByRole("link", { name: "新增下属终端" }).click();
  await expect(page.getByRole("heading", { name: "新建客户" })).toBeVisible();
  await hydrated(page);
  await expect(page.locator("#f-parent_code")).toHaveValue("EP001");
  // the shared rule answers before any request
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.locator("#f-code-error")).toHaveText("请填写此项");
  await expect(page.locator("#f-terminal_type-error")).toHaveText("请填写此项");
  await page.locator("#f-code").fill("E2E-T001");
  await page.locator("#f-name").fill("观音桥测试便利店");
  await page.locator("#f-terminal_type").selectOption("convenience_store");
  await page.locator("#f-phone").fill("1380000");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.locator("#f-phone-error")).toContainText("请填写有效的手机号");
  await page.locator("#f-phone").fill("13800009999");
  await page.locator("#f-district").fill("渝北区");
  await page.screenshot({ path: "test-results/customer-new-1024.png" });
  await expectNoHorizontalScroll(page);
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.locator(".cust-head h1")).toHaveText("观音桥测试便利店");
  await expect(page.locator(".cust-head")).toContainText("终端·便利店");
  await expect(page.locator(".cust-completeness h2")).toContainText("档案完整度");
  await expect(page.locator(".cust-missing")).toContainText("地址");
  await expect(page.locator("tr[data-field='']")).toContainText("创建了客户");
  await page.screenshot({ path: "test-results/customer-profile-1024.png", fullPage: true });
  await expectNoHorizontalScroll(page);
  await expectTouchTargets(page);
  // the sub-distributor lists it
  await page.locator(".cust-head a").first().click();
  await expect(page.locator(".cust-children")).toContainText("观音桥测试便利店");
});

test("two people edit the same profile: the later save shows what changed and keeps nothing stale", async ({ page, browser }) => {
  await signedIn(page, "liumin");
  const other = await browser.newContext({ locale: "zh-CN", viewport: { width: 1024, height: 768 }, hasTouch: true });
  const second = await other.newPage();
  await signedIn(second, "wangqiang");
  await expect(second.getByText("您好，王强")).toBeVisible();
  await openCustomer(page, "ZD00002");
  await openCustomer(second, "ZD00002");

  await page.locator("section[data-group=basic]").getByRole("link", { name: "编辑" }).click();
  await second.locator("section[data-group=basic]").getByRole("link", { name: "编辑" }).click();
  await page.locator("#f-address").fill("重庆市渝北区第一次修改 1 号");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.getByRole("status").filter({ hasText: "已保存" })).toBeVisible();
  await expect(page.locator("[data-field=address] dd")).toHaveText("重庆市渝北区第一次修改 1 号");

  await second.locator("#f-contact").fill("王强填的联系人");
  await second.getByRole("button", { name: "保存" }).click();
  const conflict = second.locator(".cust-conflict");
  await expect(conflict).toContainText("保存失败：此客户已被他人修改");
  await expect(conflict).toContainText("刘敏");
  await expect(conflict).toContainText("重庆市渝北区第一次修改 1 号");
  await expect(second.locator("#f-contact")).toHaveValue("王强填的联系人");
  await second.screenshot({ path: "test-results/customer-conflict-1024.png" });
  await conflict.getByRole("button", { name: "重新载入" }).click();
  await expect(second.locator("[data-field=address] dd")).toHaveText("重庆市渝北区第一次修改 1 号");
  await expect(second.locator("[data-field=contact] dd")).not.toHaveText("王强填的联系人");
  await other.close();
});

test("search by pinyin initials, filter by district, and restore a change from the history", async ({ page }) => {
  await signedIn(page, "laoban");
  await page.goto("/customers");
  await hydrated(page);
  await page.locator("#cust-q").fill("cqbh");
  await page.locator("#cust-q").press("Enter");
  await expect(page).toHaveURL(/q=cqbh/);
  const names = page.locator("a.cust-name");
  await expect(names.first()).toContainText("重庆百货");
  for (const n of await names.allTextContents()) expect(n).toContain("重庆百货");
  await page.locator("#flt-district").selectOption("江北区");
  await expect(page).toHaveURL(/district=/);
  await expect(page.locator("tbody tr").first()).toContainText("江北区");
  await page.screenshot({ path: "test-results/customer-list-1024.png" });
  await expectNoHorizontalScroll(page);

  await openCustomer(page, "ZD00003");
  const before = await page.locator(".cust-head h1").textContent();
  await page.locator("section[data-group=basic]").getByRole("link", { name: "编辑" }).click();
  await page.locator("#f-name").fill("临时改名");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.locator(".cust-head h1")).toHaveText("临时改名");
  await page.locator("tr[data-field=name]").first().getByRole("button", { name: "恢复此前的值" }).click();
  await expect(page.locator(".cust-head h1")).toHaveText(before ?? "");
  await expect(page.locator("tr[data-field=name]").first()).toContainText("恢复");
});

test("a rep sees only their customers, no import, and not another rep's profile", async ({ page }) => {
  await signedIn(page, "zhangwei");
  await page.goto("/customers");
  await hydrated(page);
  await expect(page.locator("tbody tr").first()).toBeVisible();
  const reps = await page.locator("td[data-label='业务员']").allTextContents();
  expect(reps.length).toBeGreaterThan(0);
  for (const r of reps) expect(r).toBe("张伟");
  await expect(page.getByRole("link", { name: "导入" })).toHaveCount(0);
  await expect(page.locator("#flt-rep")).toHaveCount(0);
  await expect(page.locator("td.cust-select")).toHaveCount(0);
  // a customer of 李娜 (江北区) is not there for 张伟
  await page.locator("#cust-q").fill("观音桥");
  await page.locator("#cust-q").press("Enter");
  await expect(page.locator(".empty-state")).toHaveText("没有符合条件的客户。");
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto("/customers");
  await hydrated(page);
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: "test-results/customer-list-rep-768.png" });
});

test("the owner imports a file through the preview, then exports the list", async ({ page }) => {
  await signedIn(page, "laoban");
  await page.goto("/customers");
  await hydrated(page);
  await page.getByRole("link", { name: "导入" }).click();
  await expect(page.getByRole("heading", { name: "导入客户" })).toBeVisible();
  await hydrated(page);
  const bad = "客户编码,客户名称,类型,终端类型,电话\nIMP-1,导入便利店,终端,便利店,12345\n";
  await page.locator("#import-file").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await expect(page.locator(".imp-errors")).toContainText("请填写有效的手机号");
  await expect(page.locator(".imp-errors td").first()).toHaveText("2");
  await expect(page.locator("#import-commit")).toBeDisabled();
  const good = "\ufeff客户编码,客户名称,类型,终端类型,电话,区县\nIMP-1,导入便利店,终端,便利店,13812340000,北碚区\nEP001,已存在的二批,二批,,,\n";
  await page.locator("#import-file").setInputFiles({ name: "good.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
  await expect(page.locator(".imp-summary")).toHaveText("共 2 行：新建 1，更新 0，跳过 1");
  await expect(page.locator(".imp-dups")).toContainText("编码相同");
  await page.screenshot({ path: "test-results/customer-import-1024.png", fullPage: true });
  await page.locator("#import-commit").click();
  await expect(page.getByRole("status").filter({ hasText: "导入完成" })).toContainText("新建 1");

  await page.goto("/customers?q=IMP-1");
  await hydrated(page);
  await expect(page.locator("tr[data-code=IMP-1]")).toContainText("导入便利店");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "导出 CSV" }).click();
  const file = await download;
  const text = fs.readFileSync(await file.path(), "utf8");
  expect(text.startsWith("\ufeff客户编码,客户名称,类型")).toBe(true);
  expect(text).toContain("IMP-1,导入便利店,terminal,convenience_store");
  expect(text.trim().split("\n")).toHaveLength(2);
});

test("a rep photographs a storefront; a non-image is refused", async ({ page }) => {
  await signedIn(page, "zhangwei");
  await page.goto("/customers");
  await hydrated(page);
  await page.locator("a.cust-name").first().click();
  await expect(page.locator(".cust-head h1")).toBeVisible();
  await hydrated(page);
  await page.locator("#photo-file").setInputFiles({ name: "note.txt", mimeType: "image/jpeg", buffer: Buffer.from("not a photo") });
  await expect(page.locator(".cust-group").filter({ hasText: "门头与陈列照片" }).getByRole("alert")).toContainText("JPEG、PNG 或 WebP");
  // a 1×1 PNG
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
  await page.locator("#photo-file").setInputFiles({ name: "shop.png", mimeType: "image/png", buffer: png });
  await expect(page.locator(".cust-photos img")).toHaveCount(1);
  const src = await page.locator(".cust-photos img").getAttribute("src");
  const r = await page.request.get(src ?? "");
  expect(r.status()).toBe(200);
  expect(r.headers()["content-type"]).toBe("image/png");
});

test("switching the language relabels every row of the list, and a ticked row stays ticked", async ({ page }) => {
  await signedIn(page, "liumin");
  await page.goto("/customers");
  await hydrated(page);
  const rows = page.locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  const n = await rows.count();
  await expect(page.locator("td[data-label='业务员']")).toHaveCount(n);
  const kind = rows.first().locator("td").nth(3);
  await expect(kind).toHaveText(/二批|终端/);
  await rows.first().locator("td.cust-select input").check();
  await page.getByRole("button", { name: "切换为英文界面" }).click();
  await expect(page.locator("td[data-label='Rep']")).toHaveCount(n);
  await expect(page.locator("td[data-label='业务员']")).toHaveCount(0);
  await expect(kind).toHaveText(/Sub-distributor|Terminal/);
  await expect(rows.first().locator("td.cust-select input")).toBeChecked();
  await expect(rows.first().locator("td.cust-select input")).toHaveAttribute("aria-label", /^Select /);
  // a row's name still opens its profile inside the app
  await rows.first().locator("a.cust-name").click();
  await expect(page).toHaveURL(/\/customers\/[0-9a-f-]{36}$/);
  await expect(page.locator(".cust-head h1")).toBeVisible();
});

// The browser names the window itself once the app runs (the server writes the first
// title): in-app navigation, a record's own name and a language switch must all show.
test("the window's title follows the page, the record and the language in the app", async ({ page }) => {
  await signedIn(page, "liumin");
  await page.goto("/customers");
  await hydrated(page);
  await expect(page).toHaveTitle("客户档案 · 渠道");
  await page.getByRole("navigation").getByRole("link", { name: "订单" }).click();
  await expect(page.getByRole("heading", { name: "订单", exact: true })).toBeVisible();
  await expect(page).toHaveTitle("订单 · 渠道");
  await page.goBack();
  await expect(page).toHaveTitle("客户档案 · 渠道");
  const row = page.locator("tbody tr").first();
  const name = ((await row.locator("a.cust-name").textContent()) ?? "").trim();
  expect(name).not.toBe("");
  await row.locator("a.cust-name").click();
  await expect(page.locator(".cust-head h1")).toHaveText(name);
  await expect(page).toHaveTitle(`${name} · 渠道`);
  await page.getByRole("button", { name: "切换为英文界面" }).click();
  await expect(page).toHaveTitle(`${name} · Qudao`);
  await page.getByRole("navigation").getByRole("link", { name: "Customers" }).click();
  await expect(page).toHaveTitle("Customers · Qudao");
});

// The rows' boxes and the page's box share one selection, whichever is ticked; the
// assignment bar counts it, assigns it, and clears every box after.
test("a manager ticks rows and the page's box, then assigns the ticked customers to a rep", async ({ page }) => {
  await signedIn(page, "liumin");
  await page.goto("/customers");
  await hydrated(page);
  const rows = page.locator("tbody tr");
  const boxes = page.locator("tbody td.cust-select input");
  const n = await rows.count();
  expect(n).toBeGreaterThan(2);
  const bar = page.locator(".cust-assign");
  await expect(bar).toBeHidden();
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await expect(bar).toContainText("已选 2 个");
  const all = page.getByRole("checkbox", { name: "选择本页全部" });
  await all.check();
  await expect(bar).toContainText(`已选 ${n} 个`);
  for (let i = 0; i < n; i++) await expect(boxes.nth(i)).toBeChecked();
  await all.uncheck();
  for (let i = 0; i < n; i++) await expect(boxes.nth(i)).not.toBeChecked();
  await expect(bar).toBeHidden();
  // two customers someone else looks after, to 李娜
  const others = rows.filter({ hasNot: page.locator('td[data-label="业务员"]', { hasText: "李娜" }) });
  expect(await others.count()).toBeGreaterThan(1);
  const codes = [await others.nth(0).getAttribute("data-code"), await others.nth(1).getAttribute("data-code")];
  for (const code of codes) {
    await expect(page.locator(`tr[data-code="${code}"] td[data-label="业务员"]`)).not.toHaveText("李娜");
    await page.locator(`tr[data-code="${code}"] td.cust-select input`).check();
  }
  await bar.locator("#assign-rep").selectOption({ label: "李娜" });
  await bar.getByRole("button", { name: "分配", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("已分配 2 个客户");
  for (const code of codes) {
    await expect(page.locator(`tr[data-code="${code}"] td[data-label="业务员"]`)).toHaveText("李娜");
    await expect(page.locator(`tr[data-code="${code}"] td.cust-select input`)).not.toBeChecked();
  }
  await expect(bar).toBeHidden();
});

test("on a tablet held upright, the last card of a full page shows whole and opens its profile", async ({ page }) => {
  await signedIn(page, "laoban");
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto("/customers");
  await hydrated(page);
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(50);
  // cards below the screen are laid out only when they come near: scrolled to, the last
  // one is as tall as its cells (nothing cut off) and as wide as the screen
  const last = rows.nth(49);
  const code = await last.getAttribute("data-code");
  // far below the screen the card's cells are not drawn yet (their layout skipped)
  expect(await last.evaluate((tr) => tr.querySelector("td")!.checkVisibility({ contentVisibilityAuto: true }))).toBe(false);
  await last.scrollIntoViewIfNeeded();
  await expect.poll(() => last.evaluate((tr) => tr.querySelector("td")!.checkVisibility({ contentVisibilityAuto: true }))).toBe(true);
  await expect(last.locator("td[data-label='客户编码']")).toHaveText(code ?? "");
  await expect(last.locator("a.cust-name")).toBeInViewport();
  const fits = await last.evaluate((tr) => {
    const cells = [...tr.querySelectorAll("td")].reduce((h, td) => h + td.getBoundingClientRect().height, 0);
    const box = tr.getBoundingClientRect();
    return { cells, card: box.height, width: box.width, border: parseFloat(getComputedStyle(tr).borderBottomWidth) };
  });
  expect(Math.abs(fits.card - fits.border - fits.cells)).toBeLessThan(1);
  expect(fits.width).toBeGreaterThan(700);
  await last.locator("a.cust-name").click();
  await expect(page).toHaveURL(/\/customers\/[0-9a-f-]{36}$/);
  await expect(page.locator(".cust-head h1")).toBeVisible();
});
