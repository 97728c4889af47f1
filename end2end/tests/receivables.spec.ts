import { expect, test, type Page } from "@playwright/test";
import { expectNoHorizontalScroll, expectTouchTargets, hydrated, signedIn } from "./helpers";

const shots = process.env.QUDAO_SHOTS;

type Aging = { days_0_30: number; days_31_60: number; days_61_90: number; over_90: number };
type Report = { total: Aging; owing: number; customers: { id: string; code: string; name: string; aging: Aging }[] };
type Summary = { id: string; number: string; customer_code: string; customer_name: string; total: string };

const sum = (a: Aging) => a.days_0_30 + a.days_31_60 + a.days_61_90 + a.over_90;
const fen = (yuan: string) => Math.round(Number(yuan.replace(/,/g, "")) * 100);

async function report(page: Page): Promise<Report> {
  const r = await page.request.post("/api/receivables/aging", { data: { page: 1 } });
  expect(r.ok()).toBeTruthy();
  return (await r.json()) as Report;
}

/** Console errors and page errors (a hydration warning or a panic is a bug). */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    // a refused form's answer (422) is the test's own doing
    if ((m.type() === "error" || m.type() === "warning") && !m.text().includes("status of 422")) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  return problems;
}

test("a delivered order is owed; accounts records the payment and sees the aging move", async ({ browser }) => {
  const office = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await office.newPage();
  const problems = watch(page);
  await signedIn(page, "liumin");
  // an order on the truck: delivering it issues its invoice
  const r = await page.request.post("/api/orders/list", { data: { status: "out_for_delivery", page: 1 } });
  const order = ((await r.json()) as { items: Summary[] }).items[0];
  expect(order).toBeTruthy();
  const before = await report(page);
  await page.goto(`/orders/${order.id}`);
  await hydrated(page);
  await page.getByRole("button", { name: "已送达" }).click();
  await expect(page.locator(".order-head")).toContainText("已送达");
  const owed = await report(page);
  expect(sum(owed.total)).toBe(sum(before.total) + fen(order.total));

  // the aging report: the customer with their balance, to their account
  await page.goto("/receivables");
  await hydrated(page);
  await expect(page.getByTestId("aging-total")).toContainText((sum(owed.total) / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  await expectNoHorizontalScroll(page);
  if (shots) await page.screenshot({ path: `${shots}/receivables-aging.png`, fullPage: true });
  const row = owed.customers.find((c) => c.code === order.customer_code)!;
  await page.getByRole("link", { name: `${row.code} ${row.name}` }).click();
  await expect(page).toHaveURL(new RegExp(`/receivables/${row.id}$`));
  await hydrated(page);
  await expect(page.getByTestId("invoices")).toContainText(order.number);

  // a bad amount is named beside its field; then the order's total, oldest due first
  await page.locator('input[name="payment[amount]"]').fill("0");
  await page.getByRole("button", { name: "保存回款" }).click();
  await expect(page.locator(".pay-form .field-error").filter({ hasText: "不能为 0" })).toBeVisible();
  await page.locator('select[name="payment[method]"]').selectOption("wechat");
  await page.locator('input[name="payment[amount]"]').fill(order.total);
  await page.getByRole("button", { name: "保存回款" }).click();
  await expect(page.locator(".pay-form .field-error").filter({ hasText: "请填写此项" })).toBeVisible();
  const reference = `4200${Date.now()}`;
  await page.locator('input[name="payment[reference]"]').fill(reference);
  await page.getByRole("button", { name: "保存回款" }).click();
  await expect(page.getByTestId("paid")).toContainText("回款已登记");
  await expect(page.getByTestId("payments")).toContainText("微信");
  const paid = await report(page);
  expect(sum(paid.total)).toBe(sum(owed.total) - fen(order.total));
  await expectTouchTargets(page);
  if (shots) await page.screenshot({ path: `${shots}/receivables-account.png`, fullPage: true });
  // a full load draws the same account
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("payments")).toContainText(order.total);

  // before the script loads: the form posts (never a GET), saves once, comes back here
  const state = await office.storageState();
  const plain = await browser.newContext({ javaScriptEnabled: false, storageState: state, viewport: { width: 1024, height: 768 } });
  const noJs = await plain.newPage();
  await noJs.goto(`/receivables/${row.id}`);
  await expect(noJs.locator("form.pay-form")).toHaveAttribute("method", "post");
  await noJs.locator('input[name="payment[amount]"]').fill("12.34");
  await noJs.locator('input[name="payment[note]"]').fill("无脚本登记");
  await noJs.locator("form.pay-form button[type=submit]").click();
  await expect(noJs).toHaveURL(new RegExp(`/receivables/${row.id}$`));
  await expect(noJs.getByTestId("payments")).toContainText("无脚本登记");
  expect(noJs.url()).not.toContain("amount");
  // …and a manager voids it the same way (a folded form that posts; nothing in the URL)
  const typo = noJs.getByTestId("payments").locator("tr", { hasText: "无脚本登记" });
  await typo.locator("summary").click();
  await typo.locator('input[name="reason"]').fill("金额录错");
  await typo.getByRole("button", { name: "作废此回款" }).click();
  await expect(noJs).toHaveURL(new RegExp(`/receivables/${row.id}$`));
  await expect(noJs.getByTestId("payments").locator("tr", { hasText: "无脚本登记" }).getByTestId("void-mark")).toContainText("金额录错");
  await plain.close();

  // the WeChat payment was a mistake too: voided, the order is owed again, as before
  await page.reload();
  await hydrated(page);
  const wechat = page.getByTestId("payments").locator("tr", { hasText: reference });
  await wechat.locator("summary").click();
  await wechat.getByRole("button", { name: "作废此回款" }).click();
  await expect(wechat.locator("input[name=reason]:invalid")).toBeVisible();
  await wechat.locator('input[name="reason"]').fill("客户转账未到账");
  await wechat.getByRole("button", { name: "作废此回款" }).click();
  await expect(page.getByTestId("voided")).toBeVisible();
  await expect(page.getByTestId("payments").locator("tr.voided", { hasText: "客户转账未到账" })).toBeVisible();
  expect(sum((await report(page)).total)).toBe(sum(owed.total));
  if (shots) await page.screenshot({ path: `${shots}/receivables-voided.png`, fullPage: true });

  // the owner's dashboard shows what is overdue
  const owner = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const boss = await owner.newPage();
  const bossProblems = watch(boss);
  await signedIn(boss, "laoban");
  await boss.reload();
  await hydrated(boss);
  await expect(boss.locator('[data-tile="receivables"]')).toContainText("逾期 30 天以上");
  if (shots) await boss.screenshot({ path: `${shots}/receivables-dashboard.png`, fullPage: true });
  expect(problems).toEqual([]);
  expect(bossProblems).toEqual([]);
  await owner.close();
  await office.close();
});

test("a rep sees their own customers' receivables, on a phone and in English; a driver none", async ({ browser }) => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const rep = await phone.newPage();
  const problems = watch(rep);
  await signedIn(rep, "zhangwei");
  const mine = await report(rep);
  await rep.goto("/receivables");
  await hydrated(rep);
  await expect(rep.getByTestId("aging-reps").locator("tbody tr")).toHaveCount(1);
  await expect(rep.getByTestId("aging-customers").locator("tbody tr")).toHaveCount(mine.customers.length);
  await expectNoHorizontalScroll(rep);
  if (shots) await rep.screenshot({ path: `${shots}/receivables-rep-390.png`, fullPage: true });
  // the profile's 360°: the trend, the account, open tickets and the three actions
  const first = mine.customers[0];
  await rep.goto(`/customers/${first.id}`);
  await hydrated(rep);
  await expect(rep.getByTestId("profile-aging")).toBeVisible();
  await expect(rep.getByTestId("trend-chart").locator("rect")).toHaveCount(12);
  await expect(rep.getByRole("heading", { name: "未结工单" })).toBeVisible();
  await expect(rep.getByRole("link", { name: "下订单" })).toHaveAttribute("href", `/orders/new?customer=${first.code}`);
  await expectNoHorizontalScroll(rep);
  await expectTouchTargets(rep);
  if (shots) await rep.screenshot({ path: `${shots}/profile-360-390.png`, fullPage: true });
  await rep.getByRole("link", { name: "登记回款" }).click();
  await expect(rep).toHaveURL(new RegExp(`/receivables/${first.id}$`));
  await hydrated(rep);
  await expectNoHorizontalScroll(rep);
  // 登记异议 opens the board's form for this customer; the ticket shows on the profile
  await rep.goto(`/customers/${first.id}`);
  await hydrated(rep);
  await rep.getByRole("link", { name: "登记异议" }).click();
  await expect(rep).toHaveURL(/\/tickets\?new=objection/);
  // loaded fresh too: the server draws the open form and the browser hydrates it quietly
  await rep.reload();
  await hydrated(rep);
  await expect(rep.locator('input[name="input[customer]"]')).toHaveValue(first.code);
  await rep.locator('select[name="input[category]"]').selectOption("price");
  await rep.locator('textarea[name="input[description]"]').fill("嫌B级价格偏高（货架前登记）");
  await rep.getByRole("button", { name: "提交" }).click();
  await expect(rep).toHaveURL(/\/tickets\/objections\//);
  await rep.goto(`/customers/${first.id}`);
  await hydrated(rep);
  await expect(rep.locator(".cust-tickets")).toContainText("嫌B级价格偏高");
  expect(problems).toEqual([]);
  await phone.close();

  const english = await browser.newContext({ locale: "en", viewport: { width: 1024, height: 768 } });
  const en = await english.newPage();
  await signedIn(en, "zhangwei");
  await en.goto("/receivables");
  await hydrated(en);
  await expect(en.getByRole("heading", { name: "Receivables" })).toBeVisible();
  await expect(en.getByTestId("aging-reps")).toContainText("Over 90 days");
  // the profile in English at 1024, loaded fresh
  const enProblems = watch(en);
  await en.goto(`/customers/${mine.customers[0].id}`);
  await hydrated(en);
  await expect(en.getByRole("heading", { name: "Sales, last 12 months" })).toBeVisible();
  await expect(en.getByRole("link", { name: "New objection" })).toBeVisible();
  await expectNoHorizontalScroll(en);
  if (shots) await en.screenshot({ path: `${shots}/profile-360-en.png`, fullPage: true });
  expect(enProblems).toEqual([]);
  await english.close();

  const truck = await browser.newContext();
  const driver = await truck.newPage();
  await driver.goto("/login");
  await hydrated(driver);
  await driver.locator("#login").fill("wugang");
  await driver.locator("#password").fill("qudao2026");
  await driver.locator("form.login-card button[type=submit]").click();
  await expect(driver).toHaveURL(/\/deliveries$/);
  await hydrated(driver);
  const res = await driver.goto("/receivables");
  expect(res?.status()).toBe(403);
  await truck.close();
});

test("credit control stops a confirmation for a customer past due; a manager releases it with a reason", async ({ page }) => {
  const problems = watch(page);
  await signedIn(page, "liumin");
  const late = (await report(page)).customers.find((c) => c.aging.days_31_60 + c.aging.days_61_90 + c.aging.over_90 > 0)!;
  expect(late).toBeTruthy();
  await page.goto(`/orders/new?customer=${encodeURIComponent(late.code)}`);
  await hydrated(page);
  await page.locator('input[name="order[lines][0][product_sku]"]').fill("BJ-500");
  await page.locator('input[name="order[lines][0][quantity]"]').fill("2");
  await page.getByRole("button", { name: "保存订单" }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await page.getByRole("button", { name: "确认订单" }).click();
  // refused with the figures
  const banner = page.locator(".banner-error");
  await expect(banner).toContainText("信用控制未通过");
  await expect(banner).toContainText("超过账期未收");
  await expect(page.locator(".order-head")).toContainText("待确认");
  if (process.env.QUDAO_SHOTS) await page.screenshot({ path: `${process.env.QUDAO_SHOTS}/credit-blocked.png`, fullPage: true });
  // released with a reason
  await page.locator(".order-release input[name=reason]").fill("老客户，月底前结清");
  await page.getByRole("button", { name: "放行并确认" }).click();
  await expect(page.locator(".order-head")).toContainText("已确认");
  await expect(page.locator(".order-history")).toContainText("老客户，月底前结清");
  // on the customer's profile, with who and the figures, after a full load
  await page.goto(`/customers/${late.id}`);
  await hydrated(page);
  await expect(page.getByTestId("credit-releases")).toContainText("刘敏");
  await expect(page.getByTestId("credit-releases")).toContainText("老客户，月底前结清");
  expect(problems.filter((p) => !p.includes("status of 409"))).toEqual([]);
});

/** The page size of a PDF's first page in points (A5 landscape ≈ 595 × 420, A4 ≈ 595 × 842). */
function pdfSize(pdf: Buffer): [number, number] {
  const m = pdf.toString("latin1").match(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/);
  expect(m).toBeTruthy();
  return [Math.round(Number(m![1])), Math.round(Number(m![2]))];
}

test("the 送货单 prints to A5; the driver delivers the order and brings back the cash", async ({ browser }) => {
  const office = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await office.newPage();
  const problems = watch(page);
  await signedIn(page, "liumin");
  const r = await page.request.post("/api/orders/list", { data: { status: "confirmed", page: 1 } });
  const order = ((await r.json()) as { items: Summary[] }).items[0];
  expect(order).toBeTruthy();
  // the delivery note, from the order's page, after a full load
  await page.goto(`/orders/${order.id}`);
  await hydrated(page);
  await page.getByRole("link", { name: "送货单" }).click();
  await expect(page).toHaveURL(new RegExp(`/orders/${order.id}/print$`));
  await page.reload();
  await hydrated(page);
  const note = page.getByTestId("delivery-note");
  await expect(note).toContainText(order.number);
  await expect(note).toContainText("收货人签字");
  await expect(page.getByTestId("note-total")).toHaveText(order.total);
  await expect(page.getByTestId("note-capital")).toContainText("元");
  if (shots) await page.screenshot({ path: `${shots}/delivery-note.png`, fullPage: true });
  await page.emulateMedia({ media: "print" });
  if (shots) await page.screenshot({ path: `${shots}/delivery-note-print.png`, fullPage: true });
  expect(pdfSize(await page.pdf({ preferCSSPageSize: true }))).toEqual([595, 420]);
  await page.emulateMedia({ media: "screen" });
  await page.getByRole("link", { name: "A4" }).click();
  await expect(page).toHaveURL(/paper=a4$/);
  expect(pdfSize(await page.pdf({ preferCSSPageSize: true }))).toEqual([595, 842]);

  // confirming opened its delivery: give it to 吴刚
  const board = await page.request.post("/api/tickets/board", { data: { rep: "", tier: "", standard: "" } });
  const ticket = ((await board.json()) as { items: { id: string; order_ref: string | null }[] }).items.find((t) => t.order_ref === order.number)!;
  expect(ticket).toBeTruthy();
  const detail = await (await page.request.post("/api/tickets/deliveries/get", { data: { id: ticket.id } })).json();
  const wu = (detail.drivers as { id: string; name: string }[]).find((d) => d.name === "吴刚")!;
  const given = await page.request.post("/api/tickets/deliveries/assign", { data: { id: ticket.id, version: detail.item.version, driver: wu.id } });
  expect(given.ok()).toBeTruthy();

  // the driver, on his phone: what to carry, then delivered with the cash taken
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const driver = await phone.newPage();
  const driverProblems = watch(driver);
  await driver.goto("/login");
  await hydrated(driver);
  await driver.locator("#login").fill("wugang");
  await driver.locator("#password").fill("qudao2026");
  await driver.locator("form.login-card button[type=submit]").click();
  await expect(driver).toHaveURL(/\/deliveries$/);
  await hydrated(driver);
  await driver.goto(`/tickets/deliveries/${ticket.id}`);
  await hydrated(driver);
  await expect(driver.getByTestId("delivery-order")).toContainText(order.number);
  await expect(driver.getByTestId("delivery-order")).toContainText(order.total);
  await driver.locator('input[name="collected"]').fill("-1");
  await driver.getByRole("button", { name: "确认送达" }).click();
  await expect(driver.locator(".field-error").filter({ hasText: "负" })).toBeVisible();
  await driver.locator('input[name="collected"]').fill(order.total);
  await driver.getByRole("button", { name: "确认送达" }).click();
  await expect(driver.getByRole("button", { name: "确认送达" })).toHaveCount(0);
  await expectNoHorizontalScroll(driver);
  if (shots) await driver.screenshot({ path: `${shots}/delivery-driver-order.png`, fullPage: true });
  expect(driverProblems.filter((p) => !p.includes("status of 422"))).toEqual([]);
  await phone.close();

  // the office sees it delivered by 吴刚, its invoice paid by his cash
  const d = await (await page.request.post("/api/orders/get", { data: { id: order.id } })).json();
  expect(d.order.status).toBe("delivered");
  await page.goto(`/orders/${order.id}`);
  await hydrated(page);
  await expect(page.locator(".order-history")).toContainText("吴刚");
  expect(problems.filter((p) => !p.includes("status of 422"))).toEqual([]);
  await office.close();
});
