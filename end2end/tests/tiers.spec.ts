import { expect, test } from "@playwright/test";
import { expectNoHorizontalScroll, hydrated, signedIn } from "./helpers";

const shots = process.env.QUDAO_SHOTS;

test("the owner opens the flow picture, taps a band and sees exactly its customers", async ({ page }) => {
  await signedIn(page, "laoban");
  await page.getByRole("link", { name: "分级管理" }).click();
  await expect(page).toHaveURL(/\/tiers$/);
  await hydrated(page);
  // the two newest snapshots are compared by default; pick the demo's two (another
  // journey may have saved one since)
  await expect(page.locator("svg.flow-chart")).toBeVisible();
  await expect(page.locator('select[name="second"]')).toHaveValue(/^snapshot:/);
  const pick = async (side: string, name: string) => {
    const select = page.locator(`select[name="${side}"]`);
    const value = await select.locator("option", { hasText: name }).getAttribute("value");
    await select.selectOption(value!);
  };
  await pick("first", "上一年度销售额分级（演示）");
  await pick("second", "近12个月销售额分级（演示）");
  await page.getByRole("button", { name: "对比" }).click();
  await expect(page).toHaveURL(/from=snapshot/);
  const band = page.locator('path.flow-band[data-from="B"][data-to="A"]');
  await expect(band).toHaveCount(1);
  if (shots) await page.screenshot({ path: `${shots}/tiers-1024.png`, fullPage: true });
  const cell = page.locator('button.tier-cell[data-from="B"][data-to="A"] strong');
  const expected = Number(await cell.textContent());
  expect(expected).toBeGreaterThan(0);
  await band.click();
  await expect(page.getByRole("heading", { name: "B → A 的客户" })).toBeVisible();
  await expect(page.getByTestId("moved-count")).toHaveText(`共 ${expected} 家客户`);
  const rows = page.locator("section.tier-moved tbody tr");
  await expect(rows).toHaveCount(Math.min(expected, 50));
  await expect(band).toHaveClass(/flow-selected/);
  // the same list from the matrix, for lost customers
  await page.locator('button.tier-cell[data-from="C"][data-to="lost"]').click();
  await expect(page.getByRole("heading", { name: "C → 流失 的客户" })).toBeVisible();
  // sized by amount, the picture redraws; the list stays
  const before = await band.getAttribute("d");
  await page.getByRole("button", { name: "金额" }).click();
  await expect.poll(() => band.getAttribute("d")).not.toBe(before);
  await expectNoHorizontalScroll(page);
  // two periods instead: the custom period fields appear and the comparison follows the URL
  await page.locator('select[name="first"]').selectOption("period");
  await page.locator('input[name="first_from"]').fill("2001-01-01");
  await page.locator('input[name="first_to"]').fill("2001-12-31");
  await page.getByRole("button", { name: "对比" }).click();
  await expect(page.getByRole("alert")).toContainText("对比基准: 所选期间没有销售记录");
});

test("the owner adds a policy version; a wrong budget is refused in Chinese; the profile shows the policy", async ({ page }) => {
  await signedIn(page, "laoban");
  await page.goto("/tiers/policies");
  await hydrated(page);
  await expect(page.locator('section.policy-card[data-tier="B"] [data-testid="visits"]')).toHaveText("2");
  const form = page.locator("form.policy-form");
  await form.locator('select[name="input[tier]"]').selectOption("B");
  // today is prefilled; the demo's B version took effect on 1 January, so this is a new one
  await form.locator('input[name="input[visits_per_month]"]').fill("3");
  await form.locator('input[name="input[budget_share]"]').fill("-5");
  await form.locator('input[name="input[credit_limit]"]').fill("80000");
  await form.locator('input[name="input[credit_days]"]').fill("30");
  await form.getByLabel("分销协助").check();
  await form.getByRole("button", { name: "保存政策版本" }).click();
  await expect(form.locator('input[name="input[budget_share]"]')).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByText("不能为负数")).toBeVisible();
  await form.locator('input[name="input[budget_share]"]').fill("25");
  await form.getByRole("button", { name: "保存政策版本" }).click();
  await expect(form.getByRole("status")).toContainText("B 类政策已保存");
  await expect(page.locator('section.policy-card[data-tier="B"] [data-testid="visits"]')).toHaveText("3");
  await expect(page.locator("table.policy-versions")).toContainText("已被替代");
  if (shots) await page.screenshot({ path: `${shots}/policies-1024.png`, fullPage: true });
  await expectNoHorizontalScroll(page);
  // a B customer's profile shows the version in force
  await page.goto("/customers?tier=B");
  await hydrated(page);
  await page.locator("table.cust-table tbody tr a").first().click();
  await hydrated(page);
  const policy = page.getByTestId("policy-in-force");
  await expect(policy.getByTestId("visits")).toHaveText("3");
  await expect(policy).toContainText("分销协助");
  await expect(page.locator("ol.tier-timeline li")).not.toHaveCount(0);
});

test("a manager confirms a reported violation and turns a signal into a report", async ({ page }) => {
  await signedIn(page, "liumin");
  await page.getByRole("link", { name: "渠道秩序" }).click();
  await hydrated(page);
  const card = page.locator("li.violation", { hasText: "江北区观音桥" });
  await expect(card.getByTestId("status")).toHaveText("已登记");
  await card.locator('input[name="note"]').fill("经销商电话核实属实");
  await card.getByRole("button", { name: "确认" }).click();
  await expect(card.getByTestId("status")).toHaveText("已确认");
  await expect(card).toContainText("经销商电话核实属实");
  // penalising needs an amount
  await card.getByRole("button", { name: "处罚" }).click();
  await expect(card.getByRole("alert")).toHaveText("请填写此项");
  await card.locator('input[name="penalty"]').fill("2000");
  await card.getByRole("button", { name: "处罚" }).click();
  await expect(card.getByTestId("status")).toHaveText("已处罚");
  await expect(card).toContainText("罚款 2,000.00");
  if (shots) await page.screenshot({ path: `${shots}/discipline-1024.png`, fullPage: true });
  // the demo's below-floor sale, reported in one tap
  await page.getByTestId("below-floor").getByRole("button", { name: "登记" }).first().click();
  const form = page.locator("form.violation-form");
  await expect(form.locator('select[name="input[kind]"]')).toHaveValue("below_floor");
  await expect(form.locator('textarea[name="input[description]"]')).toHaveValue(/低于最低限价/);
  await form.getByRole("button", { name: "提交" }).click();
  await expect(form.getByRole("status")).toContainText("已登记");
  await expectNoHorizontalScroll(page);
});

test("the growth watch flags support candidates with their reason and sorts by YoY", async ({ page }) => {
  await signedIn(page, "liumin");
  await page.getByRole("link", { name: "成长观察" }).click();
  await hydrated(page);
  await expect(page.locator("table.growth-table tbody tr").first()).toBeVisible();
  // a looser rule on trial finds candidates, each with its reason
  await page.locator('input[name="min_growth"]').fill("0");
  await page.locator('input[name="hits"]').fill("1");
  await page.locator('input[name="of_last"]').fill("1");
  await page.locator('input[name="ordering_months"]').fill("1");
  await page.getByLabel("只看扶持候选").check();
  await page.getByRole("button", { name: "查看" }).click();
  await expect(page).toHaveURL(/candidates=1/);
  const n = Number(await page.getByTestId("candidate-count").textContent());
  expect(n).toBeGreaterThan(0);
  await expect(page.locator("tr.growth-candidate").first()).toContainText("同比增长 ≥ 0%");
  await page.locator('button.th-sort[data-sort="yoy"]').click();
  await expect(page).toHaveURL(/sort=yoy&asc=1|asc=1.*sort=yoy|sort=yoy.*asc=1/);
  if (shots) await page.screenshot({ path: `${shots}/growth-1024.png`, fullPage: true });
  await expect(page.getByRole("link", { name: "导出 Excel" })).toHaveAttribute("href", /\/api\/growth\/export\?/);
  await expectNoHorizontalScroll(page);
});

test("a rep sees the tier changes of their own customers and the dashboard tiles", async ({ page }) => {
  await signedIn(page, "zhangwei");
  await expect(page.locator('article[data-tile="tiers"]')).toBeVisible();
  await expect(page.locator('article[data-tile="violations"] .tile-figure')).not.toHaveText("");
  if (shots) await page.screenshot({ path: `${shots}/dashboard-1024.png`, fullPage: true });
  await page.goto("/tiers/changes");
  await hydrated(page);
  const rows = page.locator("table.tier-changes tbody tr");
  await expect(rows.first()).toBeVisible();
  // every change shown is of one of zhangwei's customers
  await expect(page.locator("table.tier-changes tbody td:nth-child(6)").filter({ hasNotText: "张伟" })).toHaveCount(0);
});
