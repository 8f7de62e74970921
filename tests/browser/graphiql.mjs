// Drives the gateway's GraphiQL page in headless Chromium: a query, the explorer plugin, a
// mutation, and a subscription showing live results over each transport (WebSocket, then SSE
// chosen in the page's Subscriptions panel), with the API key in the Headers tab. Every
// request that is not to 127.0.0.1 is aborted (and fails the run): the page must work without
// internet. Console errors (CSP violations among them) are reported.
// Usage: node graphiql.mjs BASE_URL API_KEY SCREENSHOT_DIR   (prints a JSON summary)
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [base, apiKey, shotDir] = process.argv.slice(2);
mkdirSync(shotDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const summary = {
  screenshots: [], results: {}, offMachine: [], consoleErrors: [], eventStreams: 0, websockets: 0,
};
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.route("**/*", (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === "127.0.0.1") return route.continue();
    summary.offMachine.push(route.request().url());
    return route.abort();
  });
  page.on("console", (message) => {
    if (message.type() === "error") summary.consoleErrors.push(message.text());
  });
  page.on("request", (request) => {
    if ((request.headers().accept || "").includes("text/event-stream")) summary.eventStreams += 1;
  });
  page.on("websocket", () => { summary.websockets += 1; });

  await page.goto(`${base}/graphql`);
  await page.waitForSelector(".graphiql-query-editor .CodeMirror", { timeout: 20000 });

  await page.getByRole("button", { name: "Headers" }).click();
  await page.evaluate((key) => {
    const editors = [...document.querySelectorAll(".graphiql-editor-tool .graphiql-editor")];
    const headers = editors.find((e) => !e.classList.contains("hidden"));
    headers.querySelector(".CodeMirror").CodeMirror.setValue(
      JSON.stringify({ Authorization: `Bearer ${key}` }, null, 2),
    );
  }, apiKey);

  async function shot(name) {
    const path = join(shotDir, `${name}.png`);
    await page.screenshot({ path });
    summary.screenshots.push(path);
  }

  const responseText = () =>
    page.evaluate(() => {
      const response = document.querySelector(".graphiql-response .CodeMirror");
      return response ? response.CodeMirror.getValue() : "";
    });

  // Polled from here: page.waitForFunction evaluates a string, which the page's CSP forbids.
  async function untilResponseHas(want, timeout) {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      if ((await responseText()).includes(want)) return;
      await page.waitForTimeout(200);
    }
    throw new Error(`no response with ${want} in ${timeout} ms: ${await responseText()}`);
  }

  async function run(name, document, expected) {
    await page.evaluate((text) => {
      document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue(text);
    }, document);
    // GraphiQL derives the operation name from the editor a render later: let it settle.
    await page.waitForTimeout(500);
    await page.click(".graphiql-execute-button");
    try {
      await untilResponseHas(expected, 20000);
    } catch (error) {
      await page.screenshot({ path: join(shotDir, `failed-${name}.png`) });
      throw error;
    }
    await shot(name);
    summary.results[name] = JSON.parse(await responseText());
    return summary.results[name];
  }

  async function createTicket(lineId, firstName) {
    const created = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        query: "mutation ($l: ID!, $n: String) { createQueueTicket(input: {lineId: $l, firstName: $n}) { ticket { id } } }",
        variables: { l: lineId, n: firstName },
      }),
    });
    return (await created.json()).data.createQueueTicket.ticket.id;
  }

  // A subscription runs in the UI; its event comes from a mutation sent beside it.
  async function subscribe(name, firstName) {
    const live = run(
      name,
      "subscription Live {\n  ticketEvents {\n    type\n    toState\n    ticket { id title }\n  }\n}",
      `"title": "${firstName}"`,
    );
    await page.waitForTimeout(1500);
    summary[`${name}Ticket`] = await createTicket(lineId, firstName);
    await live;
    await page.click(".graphiql-execute-button"); // stop it
  }

  await run("1-query", "query Viewer {\n  viewer { role }\n  tickets(first: 3) { totalCount }\n}", '"role": "ADMIN"');

  await page.getByRole("button", { name: "Show GraphiQL Explorer" }).click();
  await page.waitForSelector(".graphiql-explorer-root", { timeout: 10000 });
  summary.explorer = await page.evaluate(() => document.querySelector(".graphiql-explorer-root").innerText);
  await shot("2-explorer");

  const made = await run(
    "3-mutation",
    'mutation NewLine {\n  createLine(input: {name: "Browser desk"}) {\n    line { id name }\n    errors { code }\n  }\n}',
    '"name": "Browser desk"',
  );
  const lineId = made.data.createLine.line.id;

  await subscribe("4-subscription-ws", "Ada");

  await page.getByRole("button", { name: "Show Subscription transport" }).click();
  await page.getByLabel("Server-Sent Events (graphql-sse)").check();
  await subscribe("5-subscription-sse", "Grace");
} finally {
  await browser.close();
}
console.log(JSON.stringify(summary));
process.exit(summary.offMachine.length ? 1 : 0);
