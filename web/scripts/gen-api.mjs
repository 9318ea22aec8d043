// Generates src/api/schema.ts, the TypeScript types of every operation and schema, from the
// contract in docs/openapi.json. `--check` fails instead of writing when the file is stale;
// the unit tests run the same comparison.
import { readFile, writeFile } from "node:fs/promises";
import openapiTS, { astToString } from "openapi-typescript";

const CONTRACT = new URL("../../docs/openapi.json", import.meta.url);
const OUTPUT = new URL("../src/api/schema.ts", import.meta.url);
const HEADER =
  "// Generated from docs/openapi.json by `npm run gen:api` (scripts/gen-api.mjs). Do not edit.\n\n";

export async function generateSchema() {
  const contract = JSON.parse(await readFile(CONTRACT, "utf8"));
  return HEADER + astToString(await openapiTS(contract));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fresh = await generateSchema();
  if (process.argv.includes("--check")) {
    const committed = await readFile(OUTPUT, "utf8").catch(() => "");
    if (committed !== fresh) {
      console.error("src/api/schema.ts is stale: run `npm run gen:api`");
      process.exit(1);
    }
  } else {
    await writeFile(OUTPUT, fresh);
  }
}
