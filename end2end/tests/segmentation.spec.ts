import { expect, test, type Page } from "@playwright/test";
import { expectNoHorizontalScroll, expectTouchTargets, hydrated, signedIn } from "./helpers";

const shots = process.env.QUDAO_SHOTS;

async function count(page: Page, cls: string): Promise<number> {
  return Number(await page.getByTestId(`count-${cls}`).textContent());
}

/** Drags a threshold line to `percent` of the cumulative axis with a finger-like pointer. */
async function dragLine(page: Page, line: "A" | "B", percent: number) {
  const handle = page.locator(`rect.seg-handle[data-line="${line}"]`);
  const box = (await handle.boundingBox())!;
  const chart = (await page.locator("svg.seg-chart").boundingBox())!;
  // the plot spans 24..300 of the 360-unit-high view box
  const scale = chart.height / 360;
  const targetY = chart.y + (300 - (276 * percent) / 100) * scale;
  const x = box.x + box.width / 2;
  await page.mouse.move(x, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(x, (box.y + box.height / 2 + targetY) / 2, { steps: 4 });
  await page.mouse.move(x, targetY, { steps: 4 });
  await page.mouse.up();
}

test("a manager drags the A line, sees the classes change in the browser, and saves official tiers", async ({ page }) => {
  await signedIn(page, "liumin");
  await page.goto("/segmentation");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "ABC 客户分级" })).toBeVisible();
  await expect(page.locator("svg.seg-chart rect.seg-a").first()).toBeVisible();
  const a0 = await count(page, "A");
  const b0 = await count(page, "B");
  const c0 = await count(page, "C");
  expect(a0).toBeGreaterThan(0);
  await expect(page.locator('input[name="a"]')).toHaveValue("80");
  if (shots) await page.screenshot({ path: `${shots}/segmentation-1024.png`, fullPage: true });

  // no request may reach the server while dragging: classes come from the shared classifier
  const calls: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/")) calls.push(r.url());
  });
  await dragLine(page, "A", 50);
  // where a finger lands is exact to a pixel, not to a half percent
  await expect.poll(async () => Math.abs(Number(await page.locator('input[name="a"]').inputValue()) - 50)).toBeLessThanOrEqual(1);
  const a1 = await count(page, "A");
  expect(a1).toBeLessThan(a0);
  expect(a1 + (await count(page, "B")) + (await count(page, "C"))).toBe(a0 + b0 + c0);
  expect(calls).toEqual([]);
  await expect(page.locator(".seg-chart-box")).toHaveAttribute("data-recompute-ms", /\d/);

  // typing works as well as dragging; a bad threshold says why
  const aAfterDrag = await count(page, "A");
  await page.locator('input[name="b"]').fill("40");
  await page.locator('input[name="b"]').dispatchEvent("change");
  await expect(page.getByText("A 类比例须小于 B 类比例")).toBeVisible();
  expect(await count(page, "A")).toBe(aAfterDrag);
  await page.locator('input[name="b"]').fill("95");
  await page.locator('input[name="b"]').dispatchEvent("change");
  await expect(page.getByText("A 类比例须小于 B 类比例")).toHaveCount(0);
  await page.locator('input[name="a"]').fill("70");
  await page.locator('input[name="a"]').dispatchEvent("change");
  await expect(page.locator('input[name="a"]')).toHaveValue("70");

  // the table follows: the last A row and the first B row sit at the boundary
  await page.getByRole("tab", { name: "B" }).click();
  await expect(page.locator(".seg-table tbody tr").first().locator(".tier-badge")).toHaveText("B");

  // save as the official tiers
  await page.locator('.seg-save input[name="name"]').fill("E2E 测试分级");
  await page.getByRole("button", { name: "保存为正式分级" }).click();
  const aNow = await count(page, "A");
  await expect(page.getByRole("status").filter({ hasText: "已保存为正式分级" })).toContainText(`A 类 ${aNow} 家`);
  await expect(page.locator("table").filter({ hasText: "E2E 测试分级" })).toBeVisible();

  // the customer list filters by the saved tier and shows its badge
  await page.goto("/customers?tier=A");
  await hydrated(page);
  await expect(page.getByText(`共 ${aNow} 个客户`)).toBeVisible();
  await expect(page.locator(".cust-table .tier-badge").first()).toHaveText("A");
  await page.locator(".cust-table a.cust-name").first().click();
  await expect(page.locator(".cust-tiers")).toContainText("E2E 测试分级");
  await expectNoHorizontalScroll(page);
});

test("the period form changes the classification and an empty period shows an empty state", async ({ page }) => {
  await signedIn(page, "liumin");
  await page.goto("/segmentation");
  await hydrated(page);
  await page.locator('select[name="kind"]').selectOption("year");
  await page.locator('input[name="year"]').fill("2001");
  await page.getByRole("button", { name: "查看" }).click();
  await expect(page).toHaveURL(/from=2001-01-01&to=2001-12-31/);
  await expect(page.getByText("该期间没有销售记录")).toBeVisible();
  await page.locator('select[name="kind"]').selectOption("custom");
  await page.locator('input[name="from"]').fill("2025-03-01");
  await page.locator('input[name="to"]').fill("2025-02-01");
  await page.getByRole("button", { name: "查看" }).click();
  await expect(page.getByText("结束日期不能早于开始日期")).toBeVisible();
  await page.locator('input[name="to"]').fill("2025-05-31");
  await page.locator('select[name="measure"]').selectOption("profit");
  await page.getByRole("button", { name: "查看" }).click();
  await expect(page).toHaveURL(/measure=profit/);
  await expect(page.locator(".seg-scope")).toContainText("2025-03-01 – 2025-05-31 · 毛利");
  await expect(page.locator("svg.seg-chart")).toBeVisible();
});

test("a rep sees only their own customers and moves the B line with a finger", async ({ page }) => {
  await signedIn(page, "zhangwei");
  await page.goto("/segmentation");
  await hydrated(page);
  await expect(page.locator(".seg-scope")).toContainText("仅含我负责的客户");
  await expect(page.getByRole("button", { name: "保存为正式分级" })).toHaveCount(0);
  const c0 = await count(page, "C");
  await dragLine(page, "B", 99);
  await expect.poll(async () => Math.abs(Number(await page.locator('input[name="b"]').inputValue()) - 99)).toBeLessThanOrEqual(1);
  expect(await count(page, "C")).toBeLessThan(c0);
  await expectNoHorizontalScroll(page);
  await expectTouchTargets(page);
});

test("an order confirmed in the office reaches the ledger, and a sales file imports after its preview", async ({ page }) => {
  await signedIn(page, "liumin");
  await page.goto("/orders/new");
  await hydrated(page);
  await page.locator('input[name="order[customer_code]"]').fill("EP001");
  await page.locator('input[name="order[lines][0][product_sku]"]').fill("BJ-500");
  await page.locator('input[name="order[lines][0][quantity]"]').fill("abc");
  await page.getByRole("button", { name: "保存订单" }).click();
  await expect(page.getByText("请填写数字")).toBeVisible();
  await page.locator('input[name="order[lines][0][quantity]"]').fill("10");
  await page.getByRole("button", { name: "保存订单" }).click();
  await page.getByRole("button", { name: "确认订单" }).click();
  await expect(page.locator(".order-head")).toContainText("已确认");
  const number = ((await page.locator("h1").textContent()) ?? "").replace("订单", "").trim();
  await page.goto("/sales");
  await hydrated(page);
  await expect(page.locator(".sales-table").getByRole("link", { name: number })).toHaveCount(1);

  const csv = "订单日期,客户编码,商品编码,数量,金额,成本\n2099-12-30,EP002,PJ-330,3,216,180\n2099-12-30,EP002,NOPE,1,1,1\n";
  await page.locator('input[name="sales_file"]').setInputFiles({ name: "sales.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await expect(page.getByTestId("sales-preview")).toContainText("1 个错误");
  await expect(page.getByTestId("sales-preview")).toContainText("没有此商品编码的商品");
  await expect(page.getByRole("button", { name: "确认导入" })).toBeDisabled();
  const fixed = "订单日期,客户编码,商品编码,数量,金额,成本\n2099-12-30,EP002,PJ-330,3,216,180\n";
  await page.locator('input[name="sales_file"]').setInputFiles({ name: "sales.csv", mimeType: "text/csv", buffer: Buffer.from(fixed) });
  await expect(page.getByTestId("sales-preview")).toContainText("0 个错误");
  await page.getByRole("button", { name: "确认导入" }).click();
  await expect(page.getByText("已导入 1 条明细")).toBeVisible();
  await expect(page.locator(".sales-table tbody tr", { hasText: "2099-12-30" })).toContainText("216.00");
  // the same file again: refused, saying when and by whom, until the user replaces the first
  await page.locator('input[name="sales_file"]').setInputFiles({ name: "sales-again.csv", mimeType: "text/csv", buffer: Buffer.from(fixed) });
  await expect(page.getByRole("alert")).toContainText("由刘敏导入过（1 行）");
  await page.getByLabel("替换先前的导入").check();
  await expect(page.getByTestId("sales-preview")).toContainText("将删除先前导入的 1 行");
  await page.getByRole("button", { name: "确认导入" }).click();
  await expect(page.getByText("已导入 1 条明细")).toBeVisible();
  await expect(page.locator(".sales-table tbody tr", { hasText: "2099-12-30" })).toHaveCount(1);
  // the import is listed with its file, lines and author; undone whole after a confirmation
  const imported = page.locator(".sales-imports tbody tr", { hasText: "sales-again.csv" });
  await expect(imported).toContainText("刘敏");
  await expect(imported.locator("td.num")).toHaveText("1");
  if (shots) await page.screenshot({ path: `${shots}/sales-1024.png`, fullPage: true });
  await expectNoHorizontalScroll(page);
  page.once("dialog", (d) => d.accept());
  await imported.getByRole("button", { name: "撤销导入" }).click();
  await expect(page.getByRole("status").filter({ hasText: "已撤销导入，删除了 1 行明细" })).toBeVisible();
  await expect(page.locator(".sales-table tbody tr", { hasText: "2099-12-30" })).toHaveCount(0);
  await expect(page.locator(".sales-imports tbody tr", { hasText: "sales-again.csv" })).toHaveCount(0);
  // a full load shows the same
  await page.reload();
  await hydrated(page);
  await expect(page.locator(".sales-table tbody tr", { hasText: "2099-12-30" })).toHaveCount(0);
});

test("with more customers than a table page, the ranking pages through rows asked of the server", async ({ page }) => {
  // sixty new customers, each with one sale in 2098 (no other sales fall in that year):
  // PG001 sells most, PG060 least
  await signedIn(page, "laoban");
  const codes = Array.from({ length: 60 }, (_, i) => `PG${String(i + 1).padStart(3, "0")}`);
  await page.goto("/customers/import");
  await hydrated(page);
  const customers = "客户编码,客户名称,类型\n" + codes.map((c) => `${c},分页二批${c},二批`).join("\n") + "\n";
  await page.locator("#import-file").setInputFiles({ name: "pg.csv", mimeType: "text/csv", buffer: Buffer.from(customers) });
  await expect(page.locator(".imp-summary")).toHaveText("共 60 行：新建 60，更新 0，跳过 0");
  await page.locator("#import-commit").click();
  await expect(page.getByRole("status").filter({ hasText: "导入完成" })).toContainText("新建 60");
  await page.goto("/sales");
  await hydrated(page);
  const sales = "订单日期,客户编码,商品编码,数量,金额,成本\n" + codes.map((c, i) => `2098-06-01,${c},BJ-500,1,${(60 - i) * 100},1`).join("\n") + "\n";
  await page.locator('input[name="sales_file"]').setInputFiles({ name: "pg-sales.csv", mimeType: "text/csv", buffer: Buffer.from(sales) });
  await expect(page.getByTestId("sales-preview")).toContainText("0 个错误");
  await page.getByRole("button", { name: "确认导入" }).click();
  await expect(page.getByText("已导入 60 条明细")).toBeVisible();

  await page.goto("/segmentation?from=2098-01-01&to=2098-12-31");
  await hydrated(page);
  const rows = page.locator(".seg-table tbody tr");
  const pager = page.locator("nav.pager");
  await expect(rows).toHaveCount(50);
  await expect(rows.first().locator("td").nth(1)).toHaveText("PG001");
  await expect(pager).toContainText("1 / 2");
  // a sale meanwhile (today's, so this ranking stays as it is; the page cannot know that):
  // the next page asked for tells the sales have changed, and the page offers to
  // recalculate rather than mix rankings
  const origin = new URL(page.url()).origin;
  const created = await page.request.post("/api/orders/create", {
    headers: { origin },
    data: { order: { customer_code: "PG001", order_date: new Date().toISOString().slice(0, 10), lines: [{ product_sku: "BJ-500", quantity: "1" }] } },
  });
  expect(created.ok(), await created.text()).toBe(true);
  const confirmed = await page.request.post("/api/orders/step", {
    headers: { origin },
    data: { id: await created.json(), version: 1, step: "confirm" },
  });
  expect(confirmed.ok(), await confirmed.text()).toBe(true);
  await pager.getByRole("button", { name: "下一页" }).click();
  const stale = page.locator(".seg-stale");
  await expect(stale).toContainText("排名已变化");
  await expect(rows.first().locator("td").nth(1)).toHaveText("PG001");
  if (shots) await page.screenshot({ path: `${shots}/segmentation-stale-1024.png` });
  await stale.getByRole("button", { name: "重新计算" }).click();
  await expect(stale).toHaveCount(0);
  await expect(pager).toContainText("1 / 2");
  // the first page came with the page; the second is asked for
  const asked = page.waitForRequest((r) => r.url().endsWith("/api/segmentation/rows"));
  await pager.getByRole("button", { name: "下一页" }).click();
  await asked;
  await expect(rows).toHaveCount(10);
  await expect(rows.first().locator("td").first()).toHaveText("51");
  await expect(rows.first().locator("td").nth(1)).toHaveText("PG051");
  await expect(rows.last().locator("td").nth(1)).toHaveText("PG060");
  if (shots) await page.screenshot({ path: `${shots}/segmentation-page2-1024.png`, fullPage: true });
  await expect(rows.first().getByRole("link", { name: "分页二批PG051" })).toHaveAttribute("href", /^\/customers\/[0-9a-f-]{36}$/);
  // the C class from its first rank, its badge computed in the browser
  await page.getByRole("tab", { name: "C" }).click();
  const c = await count(page, "C");
  await expect(rows).toHaveCount(Math.min(c, 50));
  await expect(rows.first().locator(".tier-badge")).toHaveText("C");
  await expect(rows.first().locator("td").nth(1)).toHaveText(`PG${String(61 - c).padStart(3, "0")}`);
  // back to the first page of all: no need to ask again
  await page.getByRole("tab", { name: "全部" }).click();
  await expect(rows.first().locator("td").nth(1)).toHaveText("PG001");
  await expectNoHorizontalScroll(page);
});
