import { describe, expect, it } from "vitest";
import { planCompaction, summarisable } from "./compaction-plan.ts";
import type { SessionEntry } from "./session-entry.ts";

function entries(spec: readonly (string | undefined)[]): SessionEntry[] {
  return spec.map((turnId, index) => ({
    seq: index + 1,
    id: `e${index + 1}`,
    parentId: index === 0 ? null : `e${index}`,
    type: "note",
    timestamp: "t",
    text: `n${index + 1}`,
    ...(turnId === undefined ? {} : { turnId }),
  }));
}

describe("planning a compaction", () => {
  it("summarises all but the last keepRecent entries", () => {
    const plan = planCompaction(entries([undefined, undefined, undefined, undefined, undefined]), 2);
    expect(plan?.old.map((entry) => entry.id)).toEqual(["e1", "e2", "e3"]);
    expect(plan?.firstKept?.id).toBe("e4");
  });

  it("does not start the kept part in the middle of a turn", () => {
    const plan = planCompaction(entries([undefined, "t1", "t1", "t1", undefined]), 2);
    expect(plan?.firstKept?.id).toBe("e2");
    expect(plan?.old.map((entry) => entry.id)).toEqual(["e1"]);
  });

  it("keeps every entry of the running turn even when asked to keep nothing", () => {
    const plan = planCompaction(entries([undefined, undefined, "run", undefined, "run"]), 0, "run");
    expect(plan?.firstKept?.id).toBe("e3");
  });

  it("keeps nothing on the path when asked to and no turn runs", () => {
    const plan = planCompaction(entries([undefined, undefined]), 0);
    expect(plan?.firstKept).toBeUndefined();
    expect(plan?.old).toHaveLength(2);
  });

  it("says there is nothing to compact when the old part is empty or only an older compaction", () => {
    expect(planCompaction(entries([undefined, undefined]), 5)).toBeUndefined();
    const [first, ...rest] = entries([undefined, undefined, undefined]);
    const older = {
      ...(first as SessionEntry),
      type: "compaction",
      summary: "s",
      firstKeptId: null,
      firstKeptSeq: null,
      covers: { fromSeq: 0, throughSeq: 0, entries: 0 },
      rewrite: true,
    } as SessionEntry;
    const plan = planCompaction([older, ...rest], 2);
    expect(plan).toBeUndefined();
    const withMore = planCompaction([older, ...rest], 1);
    expect(withMore && summarisable(withMore).map((entry) => entry.id)).toEqual(["e2"]);
  });

  it("rejects a keepRecent that is not a non-negative integer", () => {
    expect(() => planCompaction([], -1)).toThrow(/keepRecent must be a non-negative integer/);
  });
});
