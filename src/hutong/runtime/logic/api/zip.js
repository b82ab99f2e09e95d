// @ts-check
/**
 * Reading ZIP archives for FileSystemManager.unzip and readZipEntry: the central directory says where
 * each entry is; stored entries are copied, deflated ones inflated with the browser's DecompressionStream.
 */

/** @typedef {{name: string, method: number, data: Uint8Array}} ZipEntry */

/**
 * The entries of an archive, in the order the central directory lists them.
 * @param {Uint8Array} bytes @returns {ZipEntry[]}
 */
export function zipEntries(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record: 22 bytes plus a comment of at most 65535.
  let end = -1;
  for (let i = bytes.byteLength - 22; i >= Math.max(0, bytes.byteLength - 22 - 65535); i -= 1) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip file');
  const total = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const names = new TextDecoder();
  /** @type {ZipEntry[]} */
  const entries = [];
  for (let n = 0; n < total; n += 1) {
    if (at + 46 > bytes.byteLength || view.getUint32(at, true) !== 0x02014b50) throw new Error('corrupt zip file');
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = names.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    if (local + 30 > bytes.byteLength || view.getUint32(local, true) !== 0x04034b50) throw new Error('corrupt zip file');
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + compressedSize > bytes.byteLength) throw new Error('corrupt zip file');
    entries.push({ name, method, data: bytes.subarray(start, start + compressedSize) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** An entry's bytes. @param {ZipEntry} entry @returns {Promise<Uint8Array>} */
export async function inflate(entry) {
  if (entry.method === 0) return entry.data.slice();
  if (entry.method !== 8) throw new Error(`compression method ${entry.method} is not supported`);
  const stream = new Blob([entry.data]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
