// File-system steps that survive a crash: folders 0700, files 0600, full writes, fsync of a
// file and of its folder, replace-by-rename and create-if-absent (write a temp file, fsync,
// then rename or link it into place, then fsync the folder). Does not protect against a
// disk that lies about fsync, or a network file system without atomic rename/link.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { type FileHandle, link, mkdir, open, rename, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";

export const fileMode = 0o600;
export const folderMode = 0o700;

export async function ensureFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true, mode: folderMode });
}

/** Writes every byte of `data` at the handle's position (append mode: at the end). */
export async function writeAll(handle: FileHandle, data: Buffer, position?: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const at = position === undefined ? null : position + written;
    const { bytesWritten } = await handle.write(data, written, data.length - written, at);
    written += bytesWritten;
  }
}

/** fsync of a folder, so a rename or link inside it survives a crash. */
export async function fsyncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, constants.O_RDONLY);
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Some platforms refuse fsync on a folder; nothing more can be done there.
    if (code !== "EISDIR" && code !== "EINVAL" && code !== "EPERM") throw error;
  } finally {
    await handle?.close();
  }
}

export function tempPathFor(target: string, prefix: string): string {
  return join(dirname(target), `${prefix}${process.pid}-${randomBytes(4).toString("hex")}`);
}

/** Writes a new file with `write`, fsyncs it, and returns its path. Removes it on failure. */
async function writeTemp(path: string, write: (handle: FileHandle) => Promise<void>): Promise<void> {
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, fileMode);
  try {
    await write(handle);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(path).catch(() => undefined);
    throw error;
  }
  await handle.close();
}

/** Replaces `target` atomically: write temp, fsync, rename over, fsync folder. */
export async function replaceFile(
  target: string,
  tempPrefix: string,
  write: (handle: FileHandle) => Promise<void>,
  beforeRename?: () => Promise<void>,
): Promise<void> {
  const temp = tempPathFor(target, tempPrefix);
  await writeTemp(temp, write);
  try {
    await beforeRename?.();
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await fsyncFolder(dirname(target));
}

/** Creates `target` with the given content only if it does not exist; false when it does. */
export async function createFileExclusive(
  target: string,
  tempPrefix: string,
  write: (handle: FileHandle) => Promise<void>,
  durable = true,
): Promise<boolean> {
  const temp = tempPathFor(target, tempPrefix);
  if (durable) {
    await writeTemp(temp, write);
  } else {
    const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, fileMode);
    try {
      await write(handle);
    } finally {
      await handle.close();
    }
  }
  try {
    await link(temp, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  if (durable) await fsyncFolder(dirname(target));
  return true;
}

/** Opens an existing file for reading and appending (never creates it). */
export function openForAppend(path: string): Promise<FileHandle> {
  return open(path, constants.O_RDWR | constants.O_APPEND);
}

export function openForRead(path: string): Promise<FileHandle> {
  return open(path, constants.O_RDONLY);
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

/**
 * Copies bytes [start, end) of `from` to `to` at its position (or at `at`). Returns how many
 * newlines (lines) it copied.
 */
export async function copyRange(
  from: FileHandle,
  start: number,
  end: number,
  to: FileHandle,
  at?: number,
): Promise<number> {
  let lines = 0;
  const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, Math.max(1, end - start)));
  let position = start;
  let target = at;
  while (position < end) {
    const { bytesRead } = await from.read(chunk, 0, Math.min(chunk.length, end - position), position);
    if (bytesRead === 0) throw new Error(`unexpected end of file at ${position} while copying to ${end}`);
    const piece = chunk.subarray(0, bytesRead);
    for (let index = piece.indexOf(0x0a); index >= 0; index = piece.indexOf(0x0a, index + 1)) lines += 1;
    await writeAll(to, piece, target);
    position += bytesRead;
    if (target !== undefined) target += bytesRead;
  }
  return lines;
}
