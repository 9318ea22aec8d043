import { describe, expect, it } from "vitest";
import { SeenEvents } from "../../src/sync/dedup";

describe("SeenEvents", () => {
  it("passes an event id once and drops it after", () => {
    const seen = new SeenEvents();
    expect(seen.firstSight("a")).toBe(true);
    expect(seen.firstSight("a")).toBe(false);
    expect(seen.firstSight("b")).toBe(true);
  });

  it("forgets the oldest ids beyond its capacity, keeping the newest", () => {
    const seen = new SeenEvents(3);
    for (const id of ["a", "b", "c", "d"]) seen.firstSight(id);
    expect(seen.firstSight("d")).toBe(false);
    expect(seen.firstSight("c")).toBe(false);
    expect(seen.firstSight("a")).toBe(true);
  });
});
