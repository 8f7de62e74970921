// Drives GET /board in headless Chromium with a DISPLAY key: calls made through the API must
// show on the page within 2 s (large, with the desk, highlighted, announced through aria-live);
// then the gateway is restarted (the Python side does it when this prints {"restart": true}
// and answers on stdin) and the page must resume by itself, without a reload. Screenshots of
// the landscape (1920x1080) and portrait (1080x1920) layouts. Every request off 127.0.0.1 is
// aborted and reported. Prints one JSON summary line last.
// Usage: node board.mjs BASE_URL ADMIN_KEY DISPLAY_KEY LINE_ID SCREENSHOT_DIR
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const [base, adminKey, displayKey, lineId, shotDir] = process.argv.slice(2);
mkdirSync(shotDir, { recursive: true });
const stdin = createInterface({ input: process.stdin });
const lines = stdin[Symbol.asyncIterator]();
const summary = { offMachine: [], consoleErrors: [], outageConsole: [], calls: [], screenshots: [] };
let outage = false;

async function api(query, variables) {
  const response = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

const CALL_NEXT = `mutation BrowserCall($lines: [ID!]!, $desk: Int) {
  callNextTicket(input: {lineIds: $lines, desk: $desk, keepPrevious: true}) { ticket { ... on QueueTicket { publicId } } errors { code } } }`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--autoplay-policy=no-user-gesture-required"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.route("**/*", (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === "127.0.0.1") return route.continue();
    summary.offMachine.push(route.request().url());
    return route.abort();
  });
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // While the gateway is down, Chromium itself reports each refused WebSocket attempt.
    (outage ? summary.outageConsole : summary.consoleErrors).push(message.text());
  });
  page.on("pageerror", (error) => summary.consoleErrors.push(String(error)));

  const board = () => page.evaluate(() => ({
    boards: window.ticketgwBoard.boards,
    connections: window.ticketgwBoard.connections,
    marker: window.boardTestMarker || null,
    status: document.getElementById("status").textContent,
    announce: document.getElementById("announce").textContent,
    called: [...document.querySelectorAll("#called li")].map((li) => ({
      ticket: li.dataset.ticket, text: li.textContent, fresh: li.classList.contains("fresh"),
      fontSize: parseFloat(getComputedStyle(li).fontSize),
    })),
    waiting: [...document.querySelectorAll("#waiting li")].map((li) => li.dataset.ticket),
  }));

  async function until(check, timeout, what) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const seen = await board();
      if (check(seen)) return seen;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeout} ms: ${JSON.stringify(seen)}`);
      await page.waitForTimeout(50);
    }
  }

  await page.goto(`${base}/board#key=${encodeURIComponent(displayKey)}&lines=${encodeURIComponent(lineId)}&chime=1`);
  await until((b) => b.boards >= 1 && b.status === "Live", 10000, "first board");
  await page.evaluate(() => { window.boardTestMarker = "same page"; });
  summary.firstBoard = await board();

  async function callAndSee(desk, timeout) {
    const started = Date.now();
    const answer = await api(CALL_NEXT, { lines: [lineId], desk });
    const publicId = answer.data.callNextTicket.ticket.publicId;
    const seen = await until((b) => b.called.length > 0 && b.called[0].ticket === publicId, timeout, `call ${publicId}`);
    summary.calls.push({ publicId, desk, ms: Date.now() - started, top: seen.called[0], announce: seen.announce, waiting: seen.waiting });
  }

  await callAndSee(3, 2000);
  await callAndSee(4, 2000);
  const shot = async (name) => {
    const path = join(shotDir, `${name}.png`);
    await page.screenshot({ path });
    summary.screenshots.push(path);
  };
  await shot("board-landscape");
  await page.setViewportSize({ width: 1080, height: 1920 });
  await page.waitForTimeout(300);
  await shot("board-portrait");
  await page.setViewportSize({ width: 1920, height: 1080 });

  outage = true;
  console.log(JSON.stringify({ restart: true }));
  await lines.next(); // the gateway is back
  await until((b) => b.connections >= 2 && b.status === "Live", 30000, "reconnected");
  outage = false;
  await callAndSee(5, 2000);
  summary.afterRestart = await board();
} finally {
  await browser.close();
  stdin.close();
}
console.log(JSON.stringify(summary));
