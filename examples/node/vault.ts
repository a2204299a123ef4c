// The same vault, called from a Node service with the Alter TypeScript SDK (seed 001).
import { AlterVault, BackendError, GrantExpiredError, NetworkError } from "@alter-ai/alter-sdk";

const vault = new AlterVault({ apiKey: process.env.ALTER_API_KEY ?? "" });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function fetchCalendar(grantId: string): Promise<unknown> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await vault.request("GET", "https://www.googleapis.com/calendar/v3/events", { grantId });
    } catch (e) {
      if (e instanceof NetworkError) {
        await sleep(2 ** attempt * 100);
        continue;
      }
      throw e;
    }
  }
  throw new Error("calendar unavailable");
}

export async function syncMailbox(grantId: string, startOAuth: () => void): Promise<void> {
  try {
    await vault.request("POST", "https://gmail.googleapis.com/gmail/v1/users/me/watch", { grantId });
  } catch (e) {
    if (e instanceof BackendError) {
      console.warn("backend error, will retry later", e);
    } else if (e instanceof GrantExpiredError) {
      startOAuth();
    }
  }
}
