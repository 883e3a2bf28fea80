import { describe, expect, it } from "vitest";
import { currentProcess, holderLiveness, parseProcStat } from "./process-identity.ts";

describe("process identity", () => {
  it("reads state and start time from /proc/<pid>/stat even when the command name has spaces and parentheses", () => {
    const fields = Array.from({ length: 50 }, (_, index) => String(index + 3));
    fields[0] = "S";
    fields[19] = "987654";
    expect(parseProcStat(`1234 (my (odd) name) ${fields.join(" ")}`)).toEqual({
      state: "S",
      startTime: 987654,
    });
    expect(parseProcStat("garbage")).toBeUndefined();
  });

  it("sees this process as alive and a recycled pid (other start time) as dead", () => {
    const self = currentProcess();
    expect(holderLiveness(self)).toBe("alive");
    if (self.startTime !== null)
      expect(holderLiveness({ ...self, startTime: self.startTime + 1 })).toBe("dead");
    expect(holderLiveness({ ...self, pid: 2 ** 22 + 17 })).toBe("dead");
    expect(holderLiveness({ ...self, hostname: `${self.hostname}-elsewhere` })).toBe("unknown");
  });
});
