import { expect, test, type Page } from "@playwright/test";
import { expectNoHorizontalScroll, expectTouchTargets, hydrated, signedIn } from "./helpers";

const shots = process.env.QUDAO_SHOTS;

/** Minutes in a countdown such as "剩余 1小时35分（截止 …）" or "剩余 2天3小时". */
function minutesLeft(text: string): number {
  const m = text.match(/剩余\s*(?:(\d+)天)?(?:(\d+)小时)?(?:(\d+)分)?/);
  if (!m) throw new Error(`not a countdown: ${text}`);
  return Number(m[1] ?? 0) * 1440 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** Met and measured from the compliance page's "(met/measured)". */
async function compliance(page: Page): Promise<[number, number]> {
  await page.goto("/tickets/compliance");
  await hydrated(page);
  const text = await page.locator(".compliance-total .muted").textContent();
  const m = text!.match(/\((\d+)\/(\d+)\)/);
  return [Number(m![1]), Number(m![2])];
}

test("the owner refuses a zero-hour standard, opens an objection, watches it count down, answers it and sees compliance move", async ({ page }) => {
  await page.clock.install();
  await signedIn(page, "laoban");
  const tile = page.locator('[data-tile="service"]');
  await expect(tile.locator(".tile-figure")).toHaveText(/^\d+$/);

  // a standard of 0 hours is refused in words, a real one is kept
  await page.goto("/standards");
  await hydrated(page);
  const card = page.locator('section.standard-card[data-kind="first_answer"]');
  await card.locator('input[name="input[hours]"]').fill("0");
  await card.getByRole("button", { name: "保存" }).click();
  await expect(card.locator(".field-error").first()).toHaveText("不能为 0");
  await card.locator('input[name="input[hours]"]').fill("4");
  await card.getByRole("button", { name: "保存" }).click();
  await expect(card.getByRole("status")).toHaveText("已保存。");
  await expect(card.locator(".standard-now")).toContainText("4小时0分内");

  const [metBefore, measuredBefore] = await compliance(page);

  // open an objection from the board
  await page.goto("/tickets");
  await hydrated(page);
  await expectNoHorizontalScroll(page);
  await expectTouchTargets(page);
  if (shots) await page.screenshot({ path: `${shots}/tickets-board-1024.png`, fullPage: true });
  await page.getByRole("button", { name: "登记异议" }).click();
  const form = page.locator("form.ticket-form");
  await form.locator('input[name="input[customer]"]').fill("EP001");
  await form.locator('select[name="input[category]"]').selectOption("quality");
  await form.locator('textarea[name="input[description]"]').fill("上批货有两箱漏液，要求退换。");
  await form.getByRole("button", { name: "提交" }).click();
  await expect(page).toHaveURL(/\/tickets\/objections\//);
  await hydrated(page);
  await expect(page.locator(".status-chip")).toHaveText("待答复");

  // the resolution timer runs around the clock: five minutes later it shows five less
  const resolution = page.locator(".timer", { hasText: "解决时限" }).locator(".countdown");
  await expect(resolution).toHaveAttribute("data-sla", "on-track");
  const before = minutesLeft((await resolution.textContent())!);
  await page.clock.fastForward("05:00");
  await expect.poll(async () => minutesLeft((await resolution.textContent())!)).toBeLessThanOrEqual(before - 4);
  if (shots) await page.screenshot({ path: `${shots}/objection-1024.png`, fullPage: true });

  // resolving before answering is explained; answering needs the words said
  await page.getByRole("button", { name: "标记已解决" }).click();
  await expect(page.locator(".ticket-actions .banner-error")).toHaveText("请先答复客户，再标记为已解决");
  await page.getByRole("button", { name: "答复客户" }).click();
  await expect(page.locator('.ticket-actions .field-error')).toHaveText("请填写此项");
  await page.locator('textarea[name="note"]').fill("明天上午随车换货");
  await page.getByRole("button", { name: "答复客户" }).click();
  await expect(page.locator(".status-chip")).toHaveText("已答复");
  await expect(page.locator(".timer", { hasText: "首次答复" }).locator(".countdown")).toHaveAttribute("data-sla", "met");
  await expect(page.locator("ol.comments li").first()).toContainText("明天上午随车换货");

  // the answer counts, on time, in this month's compliance
  const [metAfter, measuredAfter] = await compliance(page);
  expect(measuredAfter).toBeGreaterThanOrEqual(measuredBefore + 1);
  expect(metAfter).toBeGreaterThanOrEqual(metBefore + 1);
  await expect(page.locator('table[data-table="by-rep"] tbody tr', { hasText: "张伟" })).toHaveCount(1);
  await expectNoHorizontalScroll(page);
});

test("the owner publishes a handbook edition, both read it, and it prints to A4", async ({ page, browser }) => {
  await signedIn(page, "laoban");
  await page.goto("/handbook");
  await hydrated(page);
  await expect(page.getByTestId("no-edition")).toBeVisible();
  await page.locator('textarea[name="draft[foreword]"]').fill("服务第一，言出必行。");
  await page.getByRole("button", { name: "发布新版本" }).click();
  const book = page.locator('article.handbook[data-edition="1"]');
  await expect(book).toBeVisible();
  await expect(book.locator(".handbook-cover")).toContainText("第 1 版");
  await expect(book).toContainText("服务第一，言出必行。");
  await expect(book).toContainText("解决时限");
  await expect(page.locator('tr[data-name="张伟"]')).toHaveAttribute("data-read", "false");
  await page.getByRole("button", { name: "我已阅读" }).click();
  await expect(page.getByText("您已阅读并确认本版手册。")).toBeVisible();
  await expect(page.locator('tr[data-name="陈建国"]')).toHaveAttribute("data-read", "true");
  await expectNoHorizontalScroll(page);
  if (shots) await page.screenshot({ path: `${shots}/handbook-1024.png`, fullPage: true });

  // print preview: the document alone, no navigation, draft or buttons
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".topbar")).toBeHidden();
  await expect(page.locator("section.draft")).toBeHidden();
  await expect(page.getByRole("button", { name: "打印" })).toBeHidden();
  await expect(book).toBeVisible();
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  expect(pdf.subarray(0, 4).toString()).toBe("%PDF");
  expect(pdf.length).toBeGreaterThan(10_000);
  if (shots) await page.screenshot({ path: `${shots}/handbook-print.png`, fullPage: true });
  await page.emulateMedia({ media: "screen" });

  // a rep reads and acknowledges; the owner sees it
  const rep = await (await browser.newContext({ locale: "zh-CN", viewport: { width: 1024, height: 768 } })).newPage();
  await signedIn(rep, "zhangwei");
  await rep.goto("/handbook");
  await hydrated(rep);
  await expect(rep.locator("section.draft")).toHaveCount(0);
  await rep.getByRole("button", { name: "我已阅读" }).click();
  await expect(rep.getByText("您已阅读并确认本版手册。")).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.locator('tr[data-name="张伟"]')).toHaveAttribute("data-read", "true");
});

test("the owner records a training and a rep's suggestion gets an answer", async ({ page, browser }) => {
  const rep = await (await browser.newContext({ locale: "zh-CN", viewport: { width: 1024, height: 768 } })).newPage();
  await signedIn(rep, "zhangwei");
  await rep.getByRole("link", { name: "员工成长" }).click();
  await hydrated(rep);
  await rep.locator('input[name="title"]').fill("客户生日提前一周提醒");
  await rep.getByRole("button", { name: "提交建议" }).click();
  await expect(rep.getByText("建议已提交，谢谢！")).toBeVisible();
  await expect(rep.locator("li.suggestion", { hasText: "客户生日提前一周提醒" })).toHaveAttribute("data-status", "new");

  await signedIn(page, "laoban");
  await page.goto("/development");
  await hydrated(page);
  await expectNoHorizontalScroll(page);
  const item = page.locator("li.suggestion", { hasText: "客户生日提前一周提醒" });
  await item.locator('input[name="response"]').fill("下月起执行");
  await item.getByRole("button", { name: "已采纳" }).click();
  await expect(item).toHaveAttribute("data-status", "accepted");

  // a training for 张伟, today, one and a half hours
  await page.locator('table[data-table="hours"]').getByRole("link", { name: "张伟" }).click();
  await hydrated(page);
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
  const trainings = page.locator('table[data-table="trainings"] tbody tr');
  const count = await trainings.count();
  await page.locator('form.training-form input[name="input[date]"]').fill(today);
  await page.locator('form.training-form input[name="input[topic]"]').fill("客户异议处理");
  await page.locator('form.training-form input[name="input[hours]"]').fill("0");
  await page.getByRole("button", { name: "保存培训" }).click();
  await expect(page.locator("form.training-form .field-error").filter({ hasText: "不能为 0" })).toBeVisible();
  await page.locator('form.training-form input[name="input[hours]"]').fill("1.5");
  await page.getByRole("button", { name: "保存培训" }).click();
  await expect(trainings).toHaveCount(count + 1);
  await expect(trainings.first()).toContainText("客户异议处理");
  if (shots) await page.screenshot({ path: `${shots}/employee-1024.png`, fullPage: true });

  await rep.reload();
  await hydrated(rep);
  await expect(rep.locator("li.suggestion", { hasText: "客户生日提前一周提醒" })).toContainText("下月起执行");
});
