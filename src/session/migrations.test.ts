import { describe, expect, it } from "vitest";
import { type MigrationStep, migrateRecords, migrationPath, migrationSteps } from "./migrations.ts";

const renameText: MigrationStep = {
  from: 1,
  migrateHeader: (header) => ({ ...header, migrated: true }),
  migrateEntry: (entry) =>
    entry.type === "note" ? { ...entry, text: `${String(entry.body)}`, body: undefined } : entry,
};

describe("format migrations", () => {
  it("has no steps yet: version 1 is the first format", () => {
    expect(migrationSteps).toEqual([]);
    expect(migrationPath(1, 1)).toEqual([]);
  });

  it("names the missing step when a version cannot be migrated", () => {
    expect(migrationPath(1, 3, [renameText])).toBe("no migration from session format version 2 to 3");
  });

  it("applies steps in order to the header and every entry, and bumps the generation", () => {
    const path = migrationPath(1, 2, [renameText]);
    expect(Array.isArray(path)).toBe(true);
    const result = migrateRecords(
      { type: "session", version: 1, generation: 4 },
      [{ type: "note", body: "hi" }, { type: "turn" }],
      path as MigrationStep[],
    );
    expect(result.header).toEqual({ type: "session", version: 2, generation: 5, migrated: true });
    expect(result.entries).toEqual([{ type: "note", text: "hi", body: undefined }, { type: "turn" }]);
  });
});
