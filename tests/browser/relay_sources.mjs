// relay-compiler reads graphql`...` tags in JS/TS files, one definition per tag: this writes
// one TypeScript module per schema/operations/**/*.graphql file, each definition in its own
// tag, unchanged. Usage: node relay_sources.mjs OPERATIONS_DIR OUT_DIR
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse, print } from "graphql";

const [operationsDir, outDir] = process.argv.slice(2);

function* graphqlFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* graphqlFiles(path);
    else if (entry.name.endsWith(".graphql")) yield path;
  }
}

mkdirSync(outDir, { recursive: true });
let written = 0;
for (const file of graphqlFiles(operationsDir)) {
  const tags = parse(readFileSync(file, "utf8")).definitions.map(
    (definition, i) => `export const d${i} = graphql\`\n${print(definition)}\n\`;\n`,
  );
  const module = relative(operationsDir, file).replace(/\.graphql$/, "").replaceAll("/", "_");
  writeFileSync(
    join(outDir, `${module}.ts`),
    `import { graphql } from "relay-runtime";\n\n${tags.join("\n")}`,
  );
  written += 1;
}
console.log(JSON.stringify({ modules: written }));
