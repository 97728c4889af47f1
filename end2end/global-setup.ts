import { request, type FullConfig } from "@playwright/test";
import { PASSWORD } from "./tests/helpers";

/**
 * The demo company works Monday to Saturday and keeps China's public holidays, so on a
 * Beijing Sunday or on New Year's Day its reps have nobody planned for today, and every
 * journey through Today would fail on that date only. The suite's company therefore works
 * every day of the year (the owner saves that calendar, as in the standards page); the
 * journey that is about a day off makes today one itself. Runs after the server is up.
 */
export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0]?.use.baseURL;
  const api = await request.newContext({ baseURL });
  try {
    const login = await api.post("/api/login", { data: { login: "laoban", password: PASSWORD } });
    if (!login.ok()) throw new Error(`the owner could not sign in: ${login.status()}`);
    const saved = await api.post("/api/standards/calendar", {
      data: { input: { open: "09:00", close: "18:00", weekdays: "1234567", days: [] } },
    });
    if (!saved.ok()) throw new Error(`the calendar was not saved: ${saved.status()} ${await saved.text()}`);
  } finally {
    await api.dispose();
  }
}
