import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module script without types
import { generateSchema } from "../../scripts/gen-api.mjs";

describe("the API types", () => {
  it("are what docs/openapi.json generates (run `npm run gen:api` after changing it)", async () => {
    const committed = await readFile(new URL("../../src/api/schema.ts", import.meta.url), "utf8");
    expect(committed).toBe(await generateSchema());
  });
});
