// Drives the gateway's GraphiQL page in headless Chromium: a query, a mutation and a
// subscription typed into the UI, with the API key in the Headers tab. Every request that is
// not to 127.0.0.1 is aborted (and fails the run): the page must work without internet.
// Usage: node graphiql.mjs BASE_URL API_KEY SCREENSHOT_DIR   (prints a JSON summary)
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [base, apiKey, shotDir] = process.argv.slice(2);
mkdirSync(shotDir, { recursive: true });
const offMachine = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const summary = { screenshots: [], results: {} };
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.route("**/*", (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === "127.0.0.1") return route.continue();
    offMachine.push(route.request().url());
    return route.abort();
  });
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

  async function run(name, document, expected) {
    await page.evaluate((text) => {
      document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue(text);
    }, document);
    // GraphiQL derives the operation name from the editor a render later: let it settle.
    await page.waitForTimeout(500);
    await page.click(".graphiql-execute-button");
    try {
      await page.waitForFunction(
        (want) => {
          const response = document.querySelector(".graphiql-response .CodeMirror");
          return response && response.CodeMirror.getValue().includes(want);
        },
        expected,
        { timeout: 20000 },
      );
    } catch (error) {
      await page.screenshot({ path: join(shotDir, `failed-${name}.png`) });
      throw error;
    }
    const text = await page.evaluate(
      () => document.querySelector(".graphiql-response .CodeMirror").CodeMirror.getValue(),
    );
    const path = join(shotDir, `${name}.png`);
    await page.screenshot({ path });
    summary.screenshots.push(path);
    summary.results[name] = JSON.parse(text);
    return summary.results[name];
  }

  await run("1-query", "query Viewer {\n  viewer { role }\n  tickets(first: 3) { totalCount }\n}", '"role": "ADMIN"');
  const made = await run(
    "2-mutation",
    'mutation NewLine {\n  createLine(input: {name: "Browser desk"}) {\n    line { id name }\n    errors { code }\n  }\n}',
    '"name": "Browser desk"',
  );
  const lineId = made.data.createLine.line.id;

  // The subscription runs in the UI; the event comes from a mutation sent beside it.
  const subscribed = run(
    "3-subscription",
    "subscription Live {\n  ticketEvents {\n    type\n    toState\n    ticket { id title }\n  }\n}",
    '"type": "CREATED"',
  );
  await page.waitForTimeout(1500);
  const created = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({
      query: "mutation ($l: ID!) { createQueueTicket(input: {lineId: $l, firstName: \"Ada\"}) { ticket { id } } }",
      variables: { l: lineId },
    }),
  });
  summary.createdTicket = (await created.json()).data.createQueueTicket.ticket.id;
  await subscribed;
} finally {
  await browser.close();
}
summary.offMachine = offMachine;
console.log(JSON.stringify(summary));
process.exit(offMachine.length ? 1 : 0);
