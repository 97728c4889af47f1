import { expect, test } from "@playwright/test";
import { expectNoHorizontalScroll, expectTouchTargets, hydrated, signedIn } from "./helpers";

const shots = process.env.QUDAO_SHOTS;

type Summary = { id: string; number: string; customer_name: string; source: string; status: string; version: number };

test("a rep takes an order offline in a shop; the office confirms it at the customer's price, once", async ({ browser }) => {
  // the rep's tablet, in the shop, without a network
  const tablet = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const rep = await tablet.newPage();
  await signedIn(rep, "zhangwei");
  await rep.goto("/today");
  await hydrated(rep);
  await expect(rep.locator(".sync-indicator")).toHaveAttribute("data-state", "synced");
  await rep.waitForFunction(async () => {
    const reg = await navigator.serviceWorker.ready;
    return reg.active !== null && navigator.serviceWorker.controller !== null;
  }, null, { timeout: 20_000 });
  await rep.reload();
  await hydrated(rep);
  const first = rep.locator(".plan-list .plan-pick").first();
  await expect(first).toBeVisible();
  const name = ((await first.locator(".plan-title").textContent()) ?? "").trim();
  await tablet.setOffline(true);
  await rep.reload();
  await hydrated(rep);
  await expect(rep.locator(".sync-indicator")).toHaveAttribute("data-state", "offline");
  await rep.locator(".plan-pick", { hasText: name }).first().click();
  await rep.getByRole("button", { name: "下单", exact: true }).click();
  await rep.locator('select[name="order[lines][0][product_sku]"]').selectOption("BJ-500");
  // checked on the device with the server's rule: a whole number of cases
  await rep.locator('input[name="order[lines][0][quantity]"]').fill("1.5");
  await rep.getByRole("button", { name: "保存（无网络时先存在本机）" }).click();
  await expect(rep.locator(".today-form .field-error").filter({ hasText: "数量须为整数" })).toBeVisible();
  await rep.locator('input[name="order[lines][0][quantity]"]').fill("6");
  // priced on the device from its copy of the lists, as the office will price it
  await expect(rep.getByTestId("tablet-line-price")).toContainText("单价");
  await expect(rep.getByTestId("tablet-line-price")).toContainText("预计合计");
  const onDevice = ((await rep.getByTestId("tablet-line-price").textContent()) ?? "").match(/预计合计 ([\d,.]+) 元/)?.[1];
  await expect(rep.locator(".today-form")).toContainText("待确认");
  await expectNoHorizontalScroll(rep);
  if (shots) await rep.screenshot({ path: `${shots}/order-tablet-form.png`, fullPage: true });
  await rep.getByRole("button", { name: "保存（无网络时先存在本机）" }).click();
  await expect(rep.locator(".sync-indicator")).toContainText("1 条待同步");
  await tablet.setOffline(false);
  await expect(rep.locator(".sync-indicator")).toHaveAttribute("data-state", "synced", { timeout: 20_000 });

  // on the server once, waiting for the office
  const drafts = async () => {
    const r = await rep.request.post("/api/orders/list", { data: { status: "draft", page: 1 } });
    expect(r.ok()).toBeTruthy();
    return ((await r.json()) as { items: Summary[] }).items.filter((o) => o.customer_name === name && o.source === "tablet");
  };
  const mine = await drafts();
  expect(mine).toHaveLength(1);
  const order = mine[0];
  await rep.reload();
  await hydrated(rep);
  await expect(rep.locator(".sync-indicator")).toHaveAttribute("data-state", "synced");
  expect(await drafts()).toHaveLength(1);
  // offline again, the customer's card tells what the office knew at the last sync: the
  // order waiting (待确认), the credit status, what they owe
  await tablet.setOffline(true);
  await rep.reload();
  await hydrated(rep);
  await rep.locator(".plan-pick", { hasText: name }).first().click();
  const glance = rep.getByTestId("glance");
  await expect(glance).toContainText(order.number);
  await expect(glance.locator("li", { hasText: order.number })).toContainText("待确认");
  await expect(rep.getByTestId("glance-credit")).toContainText("信用");
  await expect(glance).toContainText("应收");
  await expectNoHorizontalScroll(rep);
  if (shots) await rep.screenshot({ path: `${shots}/today-glance.png`, fullPage: true });
  await tablet.setOffline(false);
  await rep.goto("/orders");
  await hydrated(rep);
  const row = rep.locator("tr", { hasText: order.number });
  await expect(row).toContainText("待确认");
  await expect(row).toContainText("平板下单");

  // the office confirms it: priced from the lists, in the ledger once
  const office = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const manager = await office.newPage();
  await signedIn(manager, "liumin");
  await manager.goto("/orders?status=draft");
  await hydrated(manager);
  await manager.getByRole("link", { name: order.number }).click();
  await expect(manager.getByRole("heading", { name: `订单 ${order.number}` })).toBeVisible();
  await manager.reload();
  await hydrated(manager);
  await expect(manager.locator(".order-head")).toContainText("待确认");
  const line = manager.locator(".order-lines tbody tr").first();
  await expect(line).toContainText("BJ-500");
  await expect(line).toContainText("6");
  await expect(manager.getByTestId("order-capital")).toContainText("元");
  // the office's price is the one the tablet showed
  await expect(manager.getByTestId("order-total")).toHaveText(onDevice ?? "?");
  if (shots) await manager.screenshot({ path: `${shots}/order-draft.png`, fullPage: true });
  await manager.getByRole("button", { name: "确认订单" }).click();
  await expect(manager.locator(".order-head")).toContainText("已确认");
  await expect(manager.getByRole("button", { name: "确认订单" })).toHaveCount(0);
  await expect(manager.getByRole("button", { name: "拣货完成" })).toBeVisible();
  await expect(manager.locator(".order-history")).toContainText("刘敏 · 确认");
  await expectTouchTargets(manager);
  // the confirmation sent again (a retry after a timeout): refused, never counted twice
  const again = await manager.request.post("/api/orders/step", {
    data: { id: order.id, version: order.version, step: "confirm", reason: "" },
  });
  expect(again.status()).toBe(409);
  await manager.goto("/sales");
  await hydrated(manager);
  await expect(manager.locator(".sales-table").getByRole("link", { name: order.number })).toHaveCount(1);

  // the rep, on a phone, reads it confirmed and cannot move it on
  await rep.setViewportSize({ width: 390, height: 844 });
  await rep.goto(`/orders/${order.id}`);
  await hydrated(rep);
  await expect(rep.locator(".order-head")).toContainText("已确认");
  await expect(rep.locator(".order-steps button")).toHaveCount(0);
  await expectNoHorizontalScroll(rep);
  if (shots) await rep.screenshot({ path: `${shots}/order-rep-390.png`, fullPage: true });
  // another rep does not find it
  const other = await browser.newContext();
  const lina = await other.newPage();
  await signedIn(lina, "lina");
  const r = await lina.request.post("/api/orders/get", { data: { id: order.id } });
  expect(r.status()).toBe(404);
  await other.close();

  // in English too
  const english = await browser.newContext({ locale: "en", viewport: { width: 1024, height: 768 } });
  const en = await english.newPage();
  await signedIn(en, "liumin");
  await en.goto(`/orders/${order.id}`);
  await hydrated(en);
  await expect(en.locator(".order-head")).toContainText("Confirmed");
  await expect(en.getByRole("button", { name: "Picked" })).toBeVisible();
  await english.close();
  await office.close();
  await tablet.close();
});

test("the office takes an order at the customer's price, and cancels it with a reason", async ({ page }) => {
  await signedIn(page, "liumin");
  await page.goto("/orders/new");
  await hydrated(page);
  await page.locator('input[name="order[customer_code]"]').fill("EP001");
  await page.locator('input[name="order[customer_code]"]').blur();
  await page.locator('input[name="order[lines][0][product_sku]"]').fill("BJ-500");
  await page.locator('input[name="order[lines][0][quantity]"]').fill("0");
  await expect(page.getByTestId("line-price-0")).toContainText("元/");
  await page.getByRole("button", { name: "保存订单" }).click();
  await expect(page.locator(".order-form .field-error").filter({ hasText: "不能为 0" })).toBeVisible();
  await page.locator('input[name="order[lines][0][quantity]"]').fill("2");
  await expect(page.getByTestId("order-total")).toContainText("预计合计");
  await expectNoHorizontalScroll(page);
  if (shots) await page.screenshot({ path: `${shots}/order-new.png`, fullPage: true });
  await page.getByRole("button", { name: "保存订单" }).click();
  await expect(page.locator(".order-head")).toContainText("待确认");
  await page.locator('input[name="reason"]').fill("客户改订其他规格");
  await page.getByRole("button", { name: "取消订单" }).click();
  await expect(page.locator(".order-head")).toContainText("已取消");
  await expect(page.locator(".order-history")).toContainText("客户改订其他规格");
  await page.reload();
  await hydrated(page);
  await expect(page.locator(".order-head")).toContainText("已取消");
  await expect(page.locator(".order-steps button")).toHaveCount(0);
});
