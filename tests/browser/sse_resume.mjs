// The graphql-sse npm client as an application would use it: subscribe to ticketEvents, and on
// every (re)connect send the cursor of the last event handled as Last-Event-ID, so a server
// restart loses and repeats nothing. Prints one JSON line per event; stops after COUNT.
// Usage: node sse_resume.mjs GRAPHQL_URL API_KEY COUNT
import { createClient } from "graphql-sse";

const [url, apiKey, count] = process.argv.slice(2);
let lastCursor = null;
let connects = 0;
const client = createClient({
  url,
  headers: () => ({
    Authorization: `Bearer ${apiKey}`,
    ...(lastCursor ? { "Last-Event-ID": lastCursor } : {}),
  }),
  retryAttempts: 200,
  retry: () => new Promise((resolve) => setTimeout(resolve, 250)),
  on: {
    connected: (reconnected) => {
      connects += 1;
      console.log(JSON.stringify({ connected: connects, reconnected }));
    },
  },
});

const events = client.iterate({
  query: "subscription Live { ticketEvents { cursor type ticket { id title } } }",
});
let received = 0;
for await (const result of events) {
  if (result.errors) {
    console.log(JSON.stringify({ errors: result.errors }));
    process.exit(1);
  }
  const event = result.data.ticketEvents;
  lastCursor = event.cursor;
  console.log(JSON.stringify({ event }));
  received += 1;
  if (received === Number(count)) break;
}
client.dispose();
process.exit(0);
