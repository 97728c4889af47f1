// The driver's day on a phone: 吴刚 signs in to his deliveries (his whole app), calls
// the shop from the list, opens one, photographs the proof and records it; it moves to
// "delivered". The service manager changes a delivery's driver and gives an objection to
// someone else, in the office.
import { expect, test } from "@playwright/test";
import * as fs from "node:fs";
import { expectNoHorizontalScroll, hydrated, signIn, signedIn } from "./helpers";

const png = fs.readFileSync(`${__dirname}/../../public/icons/icon-192.png`);

test.use({ viewport: { width: 390, height: 844 } });

test("a driver records a delivery with a proof photo from his phone", async ({ page }) => {
  await signIn(page, "wugang");
  await expect(page).toHaveURL(/\/deliveries$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "我的配送" })).toBeVisible();
  // his navigation holds his deliveries, the handbook and his own development — nothing else
  const nav = page.getByRole("navigation", { name: "主导航" });
  await expect(nav.getByRole("link")).toHaveText(["我的配送", "手册", "员工成长"]);
  const first = page.locator("li.delivery-stop").first();
  await expect(first.locator("a.delivery-phone")).toHaveAttribute("href", /^tel:1\d{10}$/);
  const order = (await first.getAttribute("data-order")) ?? "";
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: "test-results/deliveries-driver-390.png", fullPage: true });
  await first.getByRole("link", { name: "记录送达" }).click();
  await expect(page.getByRole("heading", { level: 1, name: new RegExp(order) })).toBeVisible();
  await hydrated(page);
  await expect(page.getByTestId("destination")).toContainText("重庆市");
  // no way into the customer's profile from here
  await expect(page.locator('a[href^="/customers/"]')).toHaveCount(0);
  await page.locator('input[type=file][name="photo"]').setInputFiles({ name: "proof.png", mimeType: "image/png", buffer: png });
  await expect(page.locator(".photos img")).toHaveCount(1);
  await page.getByRole("button", { name: "确认送达" }).click();
  await expect(page.locator(".ticket-times").last().locator("dd").last()).not.toHaveText("—");
  await expect(page.getByRole("button", { name: "确认送达" })).toHaveCount(0);
  await page.getByRole("link", { name: "返回我的配送" }).click();
  await expect(page.locator(".delivery-done li.delivery-stop").filter({ hasText: order })).toBeVisible();
});

test.describe("in the office", () => {
  test.use({ viewport: { width: 1024, height: 768 } });

  test("the service manager changes a delivery's driver and hands an objection on", async ({ page }) => {
    await signedIn(page, "wangqiang");
    await page.goto("/tickets");
    await hydrated(page);
    // an open delivery: give it to nobody, then back to 吴刚
    await page.locator('a[href^="/tickets/deliveries/"]').first().click();
    await hydrated(page);
    const form = page.locator("form.reassign-form");
    await form.locator('select[name="driver"]').selectOption({ label: "暂不指定" });
    await form.getByRole("button", { name: "改派" }).click();
    await expect(form.getByRole("status")).toHaveText("已不指定送货人。");
    await form.locator('select[name="driver"]').selectOption({ label: "吴刚" });
    await form.getByRole("button", { name: "改派" }).click();
    await expect(form.getByRole("status")).toHaveText("已改派给 吴刚。");
    // an objection goes to another handler; a driver is not among them
    await page.goto("/tickets");
    await hydrated(page);
    await page.locator('a[href^="/tickets/objections/"]').first().click();
    await hydrated(page);
    const hand = page.locator("form.reassign-form");
    const options = await hand.locator('select[name="assignee"] option').allTextContents();
    expect(options).not.toContain("吴刚");
    await hand.locator('select[name="assignee"]').selectOption({ label: "王强" });
    await hand.getByRole("button", { name: "转交" }).click();
    await expect(hand.getByRole("status")).toHaveText("已转交给 王强。");
    await expect(page.locator(".ticket-customer")).toContainText("王强");
    await expectNoHorizontalScroll(page);
  });

  test("the owner limits a day's visits and the rep's Today says how many moved", async ({ page, browser }) => {
    await signedIn(page, "laoban");
    await page.goto("/visits");
    await hydrated(page);
    await page.locator('input[name="daily_visits"]').fill("0");
    await page.locator("form.daily-form").getByRole("button", { name: "保存" }).click();
    await expect(page.locator("form.daily-form .field-error")).toHaveText("不能为 0");
    await page.locator('input[name="daily_visits"]').fill("8");
    await page.locator("form.daily-form").getByRole("button", { name: "保存" }).click();
    await expect(page.locator("form.daily-form").getByRole("status")).toHaveText("已保存：每天最多 8 家。");

    const rep = await browser.newPage({ locale: "zh-CN", viewport: { width: 1024, height: 768 } });
    await signedIn(rep, "zhangwei");
    await rep.goto("/today");
    await hydrated(rep);
    await expect(rep.getByTestId("plan-moved")).toContainText("每天最多 8 家");
    // eight a day, the visits already made today included
    await expect(rep.locator("ol.plan-list li.plan-item").first()).toBeVisible();
    expect(await rep.locator("ol.plan-list li.plan-item").count()).toBeLessThanOrEqual(8);
    await rep.close();
    // back to the default for the specs that follow
    await page.locator('input[name="daily_visits"]').fill("20");
    await page.locator("form.daily-form").getByRole("button", { name: "保存" }).click();
    await expect(page.locator("form.daily-form").getByRole("status")).toHaveText("已保存：每天最多 20 家。");
  });
});
