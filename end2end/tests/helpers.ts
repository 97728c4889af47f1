import { expect, type Browser, type BrowserContextOptions, type Page } from "@playwright/test";

export const PASSWORD = "qudao2026";

/** Waits until the page has hydrated (the wasm app runs). A broken wasm build fails here. */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 20_000 });
}

/** Signs in through the form, in whatever language the page is in. */
export async function signIn(page: Page, login: string, password = PASSWORD) {
  await page.goto("/login");
  await hydrated(page);
  await page.locator("#login").fill(login);
  await page.locator("#password").fill(password);
  await page.locator("form.login-card button[type=submit]").click();
}

/** The page fits its viewport: nothing scrolls sideways. */
export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** Every visible button and link is at least 44 px tall (fingers on a tablet). */
export async function expectTouchTargets(page: Page) {
  const small = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>("button, a.button, .mainnav a, input, select"))
      .filter((el) => el.offsetParent !== null)
      .filter((el) => el.getBoundingClientRect().height < 44)
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  expect(small).toEqual([]);
}

/** Signs in and waits until the app has loaded the dashboard. */
export async function signedIn(page: Page, login: string, password = PASSWORD) {
  await signIn(page, login, password);
  await expect(page).toHaveURL(/\/$/);
  await hydrated(page);
}

/** Signs `login` in on `page`, then opens a new browser profile with that session and an
 * empty cache (no service worker yet): the user's first visit on a new device. */
export async function newDevice(page: Page, browser: Browser, login: string, options: BrowserContextOptions = {}) {
  await signedIn(page, login);
  const context = await browser.newContext({ storageState: await page.context().storageState(), ...options });
  return { context, tab: await context.newPage() };
}
