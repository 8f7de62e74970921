// PostGraphile v5 (Amber preset + connection-filter) over the bench tables, for bench/http_compare.py.
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ticketgw_bench PORT=8400 node_modules/.bin/node server.mjs
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

const preset = {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      poolConfig: { max: 10 },
    }),
  ],
  // Filter and order on unindexed columns too (spam, trashed_at, deleted_at, start), as ticketgw does.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  grafserv: { watch: false, graphiql: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (e) => console.error(e));
await serv.addTo(server);
const port = Number(process.env.PORT || 8400);
server.listen(port, "127.0.0.1", () => console.error(`postgraphile on ${port}`));
