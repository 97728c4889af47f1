import { expect, test } from "@playwright/test";
import { expectNoHorizontalScroll, expectTouchTargets, hydrated, signedIn } from "./helpers";

const shots = process.env.QUDAO_SHOTS;

test("the owner keeps packs, cost prices and what is on sale; a rep cannot order a discontinued product nor see costs", async ({ browser }) => {
  const owner = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  await signedIn(owner, "laoban");
  await owner.goto("/products");
  await hydrated(owner);
  const beer = owner.locator("tr").filter({ hasText: "PJ-330" });
  await expect(beer).toContainText("24瓶/箱");
  await expect(beer).toContainText("在售");
  await expect(owner.getByRole("columnheader", { name: "成本价（元）" })).toBeVisible();
  await expectNoHorizontalScroll(owner);
  if (shots) await owner.screenshot({ path: `${shots}/products-1024.png`, fullPage: true });

  // noodles go off sale, with a cost price; a bad pack size is named first
  const noodles = owner.locator("tr").filter({ hasText: "MF-10" });
  await noodles.getByRole("button", { name: "编辑" }).click();
  const form = owner.locator("form.product-form");
  await expect(form.locator('input[name="input[pack_size]"]')).toHaveValue("10");
  await expectTouchTargets(owner);
  await form.locator('input[name="input[pack_size]"]').fill("2.5");
  await form.locator('input[name="input[cost_price]"]').fill("45.2");
  await form.locator('select[name="input[active]"]').selectOption("false");
  await form.getByRole("button", { name: "保存" }).click();
  await expect(form.getByText("须为整数")).toBeVisible();
  await form.locator('input[name="input[pack_size]"]').fill("10");
  await form.getByRole("button", { name: "保存" }).click();
  await expect(form).toHaveCount(0);
  await expect(noodles).toContainText("停售");
  await expect(noodles).toContainText("45.20");

  // a full load shows what was saved
  await owner.reload();
  await hydrated(owner);
  await expect(owner.locator("tr").filter({ hasText: "MF-10" })).toContainText("停售");

  // the rep sees the catalogue without costs, and an order for the noodles is refused
  const rep = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await signedIn(rep, "zhangwei");
  await rep.goto("/products");
  await hydrated(rep);
  await expect(rep.locator("tr").filter({ hasText: "MF-10" })).toContainText("停售");
  await expect(rep.getByRole("columnheader", { name: "成本价（元）" })).toHaveCount(0);
  await expect(rep.getByText("45.20")).toHaveCount(0);
  await expectNoHorizontalScroll(rep);
  if (shots) await rep.screenshot({ path: `${shots}/products-390.png`, fullPage: true });

  await rep.goto("/orders/new");
  await hydrated(rep);
  const order = rep.locator("form.order-form");
  await expect(rep.locator('#order-products option[value="MF-10"]')).toHaveCount(0);
  await expect(rep.locator('#order-products option[value="BJ-500"]')).toHaveCount(1);
  await order.locator('input[name="order[customer_code]"]').fill("EP001");
  await order.locator('input[name="order[order_date]"]').fill("2026-03-01");
  await order.locator('input[name="order[lines][0][product_sku]"]').fill("MF-10");
  await order.locator('input[name="order[lines][0][quantity]"]').fill("2");
  await order.locator("button[type=submit]").click();
  await expect(order.getByText("该商品已停售，不能下单")).toBeVisible();

  // in English too
  const english = await browser.newContext({ locale: "en", viewport: { width: 1024, height: 768 } });
  const manager = await english.newPage();
  await signedIn(manager, "liumin");
  await manager.goto("/products");
  await hydrated(manager);
  await expect(manager.locator("tr").filter({ hasText: "MF-10" })).toContainText("Discontinued");
  await expect(manager.getByRole("columnheader", { name: "Cost price (yuan)" })).toBeVisible();
  await english.close();
});
