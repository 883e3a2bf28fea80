// Temporary folders for tests that write files; removed by the returned cleanup.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `baton-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
