// Reading a JSONL file by lines without loading it whole: the header line, complete lines
// forwards from an offset, complete lines backwards from an offset, and the line number of a
// byte offset (only on error paths). Owns no locking: callers decide whether a trailing
// fragment is a torn write (under the append lock) or a write still in flight (without it).
import type { FileHandle } from "node:fs/promises";

const newline = 0x0a;
const chunkSize = 256 * 1024;

export interface RawLine {
  /** Byte offset of the line's first byte. */
  readonly offset: number;
  /** The line without its newline. */
  readonly text: string;
  /** Bytes including the newline. */
  readonly length: number;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

/** The first line (without newline) and where the next line starts; `end` undefined when no newline. */
export async function readFirstLine(
  handle: FileHandle,
  size: number,
  limit = 1024 * 1024,
): Promise<{ text: string; end: number | undefined }> {
  let length = Math.min(size, 4096);
  for (;;) {
    const buffer = await readAt(handle, 0, length);
    const index = buffer.indexOf(newline);
    if (index >= 0) return { text: buffer.toString("utf8", 0, index), end: index + 1 };
    if (length >= size || length >= limit) return { text: buffer.toString("utf8"), end: undefined };
    length = Math.min(size, length * 4, limit);
  }
}

/**
 * Complete lines in [from, to), in order. A fragment after the last newline is reported as
 * `tail` (its offset), not as a line.
 */
export async function* forwardLines(
  handle: FileHandle,
  from: number,
  to: number,
): AsyncGenerator<RawLine, { tailOffset: number | undefined }> {
  let position = from;
  let carry: Buffer = Buffer.alloc(0);
  let carryOffset = from;
  while (position < to) {
    const chunk = await readAt(handle, position, Math.min(chunkSize, to - position));
    if (chunk.length === 0) break;
    position += chunk.length;
    const buffer = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    let start = 0;
    for (let index = buffer.indexOf(newline); index >= 0; index = buffer.indexOf(newline, start)) {
      yield {
        offset: carryOffset + start,
        text: buffer.toString("utf8", start, index),
        length: index + 1 - start,
      };
      start = index + 1;
    }
    carry = buffer.subarray(start);
    carryOffset += start;
  }
  return { tailOffset: carry.length > 0 ? carryOffset : undefined };
}

/** Offset just after the last newline in [from, to), or `from` when there is none. */
export async function endOfLastLine(handle: FileHandle, from: number, to: number): Promise<number> {
  let end = to;
  while (end > from) {
    const start = Math.max(from, end - chunkSize);
    const buffer = await readAt(handle, start, end - start);
    const index = buffer.lastIndexOf(newline);
    if (index >= 0) return start + index + 1;
    end = start;
  }
  return from;
}

/**
 * Complete lines in [from, to), last line first. `to` must be a line end (just after a
 * newline, or `from`).
 */
export async function* backwardLines(handle: FileHandle, from: number, to: number): AsyncGenerator<RawLine> {
  let bufferStart = to;
  let buffer: Buffer = Buffer.alloc(0);
  let lineEnd = to;
  while (lineEnd > from) {
    // Find the newline that ends the previous line (before lineEnd - 1, which is this line's newline).
    const searchFrom = lineEnd - 2 - bufferStart;
    const index = searchFrom >= 0 ? buffer.lastIndexOf(newline, searchFrom) : -1;
    if (index >= 0) {
      const offset = bufferStart + index + 1;
      yield {
        offset,
        text: buffer.toString("utf8", index + 1, lineEnd - 1 - bufferStart),
        length: lineEnd - offset,
      };
      lineEnd = offset;
      continue;
    }
    if (bufferStart === from) {
      yield {
        offset: from,
        text: buffer.toString("utf8", 0, lineEnd - 1 - bufferStart),
        length: lineEnd - from,
      };
      return;
    }
    const start = Math.max(from, bufferStart - chunkSize);
    const chunk = await readAt(handle, start, bufferStart - start);
    buffer = Buffer.concat([chunk, buffer.subarray(0, lineEnd - bufferStart)]);
    bufferStart = start;
  }
}

/** 1-based line number of the line starting at `offset`. Reads [0, offset). */
export async function lineNumberAt(handle: FileHandle, offset: number): Promise<number> {
  let count = 1;
  let position = 0;
  while (position < offset) {
    const chunk = await readAt(handle, position, Math.min(chunkSize * 4, offset - position));
    if (chunk.length === 0) break;
    for (let index = chunk.indexOf(newline); index >= 0; index = chunk.indexOf(newline, index + 1))
      count += 1;
    position += chunk.length;
  }
  return count;
}

export { readAt };
