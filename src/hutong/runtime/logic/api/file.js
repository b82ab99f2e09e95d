// @ts-check
/**
 * The app's file system, `wxfile://` paths: held in this thread so that the sync forms can answer at
 * once, preloaded at launch and written through to the host (IndexedDB per app and per user) for
 * `wxfile://usr/…` and saved files. Temporary files (`wxfile://tmp_…`: downloads, chosen images) live
 * for the run. Only `wxfile://usr/` is writable, as in WeChat.
 */
import { callHost } from '../call.js';
import { answer, answerLater, sync } from './shape.js';
import { inflate, zipEntries } from './zip.js';

const USR = 'wxfile://usr';
const USR_LIMIT = 200 * 1024 * 1024;

/** @typedef {{dir: boolean, data?: Uint8Array, mtime: number, ctime: number}} Entry */
/** @type {Map<string, Entry>} */
const files = new Map([[USR, { dir: true, mtime: 0, ctime: 0 }]]);

/** @param {string} path */
const persisted = (path) => path === USR || path.startsWith(`${USR}/`) || path.startsWith('wxfile://store_');

/** @param {Array<[string, any]>} entries from the host, at launch */
export function preloadFiles(entries) {
  for (const [path, entry] of entries || []) {
    files.set(path, { dir: Boolean(entry.dir), data: entry.data ? new Uint8Array(entry.data) : undefined, mtime: entry.mtime || 0, ctime: entry.ctime || 0 });
  }
}

/** A file the host made (download, chosen image). @param {string} path @param {ArrayBuffer} bytes */
export function addTempFile(path, bytes) {
  const now = Math.floor(Date.now() / 1000);
  files.set(path, { dir: false, data: new Uint8Array(bytes), mtime: now, ctime: now });
}

/** A temporary file no longer wanted (wx.revokeBufferURL). @param {string} path */
export function dropTempFile(path) {
  if (String(path).startsWith('wxfile://tmp_')) files.delete(String(path));
}

/** The bytes of a file the app can read, or undefined. @param {string} path */
export function bytesOf(path) {
  const entry = files.get(normalise(path));
  return entry && !entry.dir ? entry.data?.slice().buffer : undefined;
}

/** @param {string} path @param {Entry | null} entry */
function save(path, entry) {
  if (!persisted(path)) return;
  const args = entry ? { op: 'set', key: path, data: { dir: entry.dir, data: entry.data?.slice().buffer, mtime: entry.mtime, ctime: entry.ctime } } : { op: 'remove', key: path };
  callHost('hutongFiles', args)?.catch((/** @type {any} */ res) => console.error(`[hutong] file ${path}: ${res?.errMsg}`));
}

/** @param {any} path */
function normalise(path) {
  let p = String(path ?? '');
  if (p.startsWith('http://tmp/')) p = `wxfile://tmp_${p.slice('http://tmp/'.length)}`;
  if (!p.startsWith('wxfile://')) return p;
  const parts = [];
  for (const part of p.slice('wxfile://'.length).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `wxfile://${parts.join('/')}`;
}

/** @param {string} path */
const parentOf = (path) => path.slice(0, path.lastIndexOf('/'));

/** @param {string} op @param {string} path @param {boolean} [write] */
function resolve(op, path, write = false) {
  const p = normalise(path);
  if (!p.startsWith('wxfile://')) throw new Error(`no such file or directory, ${op} ${path}`);
  if (write && !(p === USR || p.startsWith(`${USR}/`))) throw new Error(`permission denied, ${op} ${path}`);
  return p;
}

/** @param {string} op @param {string} path */
function existing(op, path) {
  const p = resolve(op, path);
  const entry = files.get(p);
  if (!entry) throw new Error(`no such file or directory, ${op} ${path}`);
  return { p, entry };
}

function usrBytes() {
  let total = 0;
  for (const [path, entry] of files) if (path.startsWith(USR) && entry.data) total += entry.data.byteLength;
  return total;
}

/** @param {any} data @param {string} [encoding] */
function encode(data, encoding = 'utf8') {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const text = String(data ?? '');
  switch (String(encoding).toLowerCase()) {
    case 'base64': {
      const binary = atob(text);
      return Uint8Array.from(binary, (c) => c.charCodeAt(0));
    }
    case 'hex':
      return Uint8Array.from(text.match(/[0-9a-f]{2}/gi) || [], (h) => parseInt(h, 16));
    case 'binary':
    case 'latin1':
    case 'ascii':
      return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
    default:
      return new TextEncoder().encode(text);
  }
}

/** @param {Uint8Array} bytes @param {string | undefined} encoding */
function decode(bytes, encoding) {
  if (!encoding) return bytes.slice().buffer;
  switch (String(encoding).toLowerCase()) {
    case 'base64': {
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(binary);
    }
    case 'hex':
      return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    case 'binary':
    case 'latin1':
    case 'ascii':
      return Array.from(bytes, (b) => String.fromCharCode(b)).join('');
    default:
      return new TextDecoder().decode(bytes);
  }
}

/** @param {string} op @param {string} path @param {Uint8Array} data @param {boolean} append */
function writeBytes(op, path, data, append) {
  const p = resolve(op, path, true);
  const parent = files.get(parentOf(p));
  if (!parent || !parent.dir) throw new Error(`no such file or directory, open ${path}`);
  const before = files.get(p);
  if (before?.dir) throw new Error(`illegal operation on a directory, open ${path}`);
  if (append && !before) throw new Error(`no such file or directory, open ${path}`);
  const next = append && before?.data ? concat(before.data, data) : data;
  if (usrBytes() - (before?.data?.byteLength || 0) + next.byteLength > USR_LIMIT) throw new Error('the maximum size of the file storage limit is exceeded');
  const now = Math.floor(Date.now() / 1000);
  const entry = { dir: false, data: next, mtime: now, ctime: before?.ctime || now };
  files.set(p, entry);
  save(p, entry);
}

/** @param {Uint8Array} a @param {Uint8Array} b */
function concat(a, b) {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

/** @param {Entry} entry */
function stats(entry) {
  return {
    mode: entry.dir ? 0o40777 : 0o100666,
    size: entry.dir ? 0 : entry.data?.byteLength || 0,
    lastAccessedTime: entry.mtime,
    lastModifiedTime: entry.mtime,
    isDirectory: () => entry.dir,
    isFile: () => !entry.dir,
  };
}

/** @param {string} dir */
function children(dir) {
  const prefix = `${dir}/`;
  return Array.from(files.keys()).filter((path) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/'));
}

/** @param {string} p */
function removeTree(p) {
  for (const path of Array.from(files.keys())) {
    if (path === p || path.startsWith(`${p}/`)) {
      files.delete(path);
      save(path, null);
    }
  }
}

let savedCount = 0;

/** The operations, by name; each takes its options object and returns its result fields. */
const ops = /** @type {Record<string, (o: Record<string, any>) => any>} */ ({
  access: (o) => void existing('access', o.path),
  readFile: (o) => {
    const { entry } = existing('open', o.filePath);
    if (entry.dir) throw new Error(`illegal operation on a directory, open ${o.filePath}`);
    let bytes = entry.data || new Uint8Array();
    if (o.position !== undefined || o.length !== undefined) {
      const start = Number(o.position) || 0;
      bytes = bytes.subarray(start, o.length === undefined ? undefined : start + Number(o.length));
    }
    return { data: decode(bytes, o.encoding) };
  },
  writeFile: (o) => void writeBytes('open', o.filePath, encode(o.data, o.encoding), false),
  appendFile: (o) => void writeBytes('open', o.filePath, encode(o.data, o.encoding), true),
  mkdir: (o) => {
    const p = resolve('mkdir', o.dirPath, true);
    if (files.has(p)) throw new Error(`file already exists ${o.dirPath}`);
    const parent = parentOf(p);
    if (!files.get(parent)?.dir) {
      if (!o.recursive) throw new Error(`no such file or directory ${o.dirPath}`);
      ops.mkdir({ dirPath: parent, recursive: true });
    }
    const now = Math.floor(Date.now() / 1000);
    const entry = { dir: true, mtime: now, ctime: now };
    files.set(p, entry);
    save(p, entry);
  },
  rmdir: (o) => {
    const p = resolve('rmdir', o.dirPath, true);
    const entry = files.get(p);
    if (!entry || !entry.dir) throw new Error(`no such file or directory ${o.dirPath}`);
    if (p === USR) throw new Error(`permission denied, rmdir ${o.dirPath}`);
    if (children(p).length && !o.recursive) throw new Error(`directory not empty ${o.dirPath}`);
    removeTree(p);
  },
  readdir: (o) => {
    const { p, entry } = existing('readdir', o.dirPath);
    if (!entry.dir) throw new Error(`not a directory ${o.dirPath}`);
    return { files: children(p).map((path) => path.slice(p.length + 1)) };
  },
  stat: (o) => {
    const { p, entry } = existing('stat', o.path);
    if (o.recursive && entry.dir) {
      const list = [{ path: '/', stats: stats(entry) }];
      for (const [path, e] of files) if (path.startsWith(`${p}/`)) list.push({ path: path.slice(p.length), stats: stats(e) });
      return { stats: list };
    }
    return { stats: stats(entry) };
  },
  unlink: (o) => {
    const { p, entry } = existing('unlink', o.filePath);
    if (entry.dir) throw new Error(`operation not permitted, unlink ${o.filePath}`);
    resolve('unlink', o.filePath, true);
    files.delete(p);
    save(p, null);
  },
  copyFile: (o) => {
    const { entry } = existing('copyFile', o.srcPath);
    if (entry.dir) throw new Error(`illegal operation on a directory, copyFile ${o.srcPath}`);
    writeBytes('copyFile', o.destPath, (entry.data || new Uint8Array()).slice(), false);
  },
  rename: (o) => {
    const { p, entry } = existing('rename', o.oldPath);
    const to = resolve('rename', o.newPath, true);
    if (!files.get(parentOf(to))?.dir) throw new Error(`no such file or directory, rename ${o.oldPath} -> ${o.newPath}`);
    if (entry.dir) {
      for (const [path, e] of Array.from(files)) {
        if (path === p || path.startsWith(`${p}/`)) {
          files.delete(path);
          save(path, null);
          files.set(to + path.slice(p.length), e);
          save(to + path.slice(p.length), e);
        }
      }
    } else {
      writeBytes('rename', to, entry.data || new Uint8Array(), false);
      files.delete(p);
      save(p, null);
    }
  },
  saveFile: (o) => {
    const { p, entry } = existing('saveFile', o.tempFilePath);
    const ext = /\.[A-Za-z0-9]{1,5}$/.exec(p)?.[0] || '';
    const target = o.filePath ? resolve('saveFile', o.filePath, true) : `wxfile://store_${Date.now().toString(36)}${(savedCount += 1)}${ext}`;
    if (o.filePath) writeBytes('saveFile', target, (entry.data || new Uint8Array()).slice(), false);
    else {
      const saved = { ...entry, data: entry.data?.slice() };
      files.set(target, saved);
      save(target, saved);
    }
    if (p.startsWith('wxfile://tmp_')) files.delete(p);
    return { savedFilePath: target };
  },
  getFileInfo: (o) => {
    const { entry } = existing('getFileInfo', o.filePath);
    if (entry.dir) throw new Error(`illegal operation on a directory ${o.filePath}`);
    return { size: entry.data?.byteLength || 0 };
  },
  getSavedFileList: () => ({
    fileList: Array.from(files)
      .filter(([path]) => path.startsWith('wxfile://store_'))
      .map(([filePath, e]) => ({ filePath, size: e.data?.byteLength || 0, createTime: e.ctime })),
  }),
  removeSavedFile: (o) => {
    const { p } = existing('removeSavedFile', o.filePath);
    if (!p.startsWith('wxfile://store_')) throw new Error(`file not exist ${o.filePath}`);
    files.delete(p);
    save(p, null);
  },
  getSavedFileInfo: (o) => {
    const { entry } = existing('getSavedFileInfo', o.filePath);
    return { size: entry.data?.byteLength || 0, createTime: entry.ctime };
  },
});

/**
 * Open files, by descriptor: WeChat's open/read/write/fstat/ftruncate/close over the same files. The
 * flag decides what open does with a file that is or is not there, and whether writes append.
 * @type {Map<string, {path: string, append: boolean, read: boolean, write: boolean}>}
 */
const descriptors = new Map();
let nextDescriptor = 0;
const FLAGS = new Set(['a', 'ax', 'a+', 'ax+', 'as', 'as+', 'r', 'r+', 'w', 'wx', 'w+', 'wx+']);

/** @param {string} op @param {any} fd */
function descriptor(op, fd) {
  const open = descriptors.get(String(fd));
  if (!open) throw new Error(`bad file descriptor, ${op}`);
  return open;
}

/** @param {any} value @param {number} fallback */
const count = (value, fallback) => (value === undefined || value === null ? fallback : Math.max(0, Math.floor(Number(value)) || 0));

/** @param {string} path @param {number} length */
function truncateTo(path, length) {
  const entry = files.get(path);
  if (!entry || entry.dir) throw new Error(`no such file or directory, ftruncate ${path}`);
  const data = entry.data || new Uint8Array();
  const next = new Uint8Array(length);
  next.set(data.subarray(0, Math.min(length, data.byteLength)));
  writeBytes('ftruncate', path, next, false);
}

Object.assign(ops, {
  open: (/** @type {Record<string, any>} */ o) => {
    const flag = o.flag === undefined ? 'r' : String(o.flag);
    if (!FLAGS.has(flag)) throw new Error(`invalid flag ${flag}`);
    const reading = flag.startsWith('r');
    const p = resolve('open', o.filePath, !reading || flag === 'r+');
    const entry = files.get(p);
    if (entry?.dir) throw new Error(`illegal operation on a directory, open ${o.filePath}`);
    if (reading && !entry) throw new Error(`no such file or directory, open ${o.filePath}`);
    if (flag.includes('x') && entry) throw new Error(`file already exists, open ${o.filePath}`);
    if (flag.startsWith('w') || (flag.startsWith('a') && !entry)) writeBytes('open', p, new Uint8Array(), false);
    const fd = String((nextDescriptor += 1));
    descriptors.set(fd, { path: p, append: flag.startsWith('a'), read: reading || flag.includes('+'), write: flag !== 'r' });
    return { fd };
  },
  close: (/** @type {Record<string, any>} */ o) => {
    descriptor('close', o.fd);
    descriptors.delete(String(o.fd));
  },
  fstat: (/** @type {Record<string, any>} */ o) => {
    const open = descriptor('fstat', o.fd);
    const entry = files.get(open.path);
    if (!entry) throw new Error(`no such file or directory, fstat`);
    return { stats: stats(entry) };
  },
  ftruncate: (/** @type {Record<string, any>} */ o) => {
    const open = descriptor('ftruncate', o.fd);
    if (!open.write) throw new Error('bad file descriptor, ftruncate');
    truncateTo(open.path, count(o.length, 0));
  },
  truncate: (/** @type {Record<string, any>} */ o) => {
    const p = resolve('truncate', o.filePath, true);
    truncateTo(p, count(o.length, 0));
  },
  read: (/** @type {Record<string, any>} */ o) => {
    const open = descriptor('read', o.fd);
    if (!open.read) throw new Error('bad file descriptor, read');
    if (!(o.arrayBuffer instanceof ArrayBuffer)) throw new Error('arrayBuffer must be an ArrayBuffer');
    const data = files.get(open.path)?.data || new Uint8Array();
    const offset = count(o.offset, 0);
    const length = count(o.length, 0);
    if (offset + length > o.arrayBuffer.byteLength) throw new Error('offset + length is beyond the arrayBuffer');
    const position = count(o.position, 0);
    const bytes = data.subarray(position, position + length);
    new Uint8Array(o.arrayBuffer, offset, bytes.byteLength).set(bytes);
    return { bytesRead: bytes.byteLength, arrayBuffer: o.arrayBuffer };
  },
  write: (/** @type {Record<string, any>} */ o) => {
    const open = descriptor('write', o.fd);
    if (!open.write) throw new Error('bad file descriptor, write');
    let bytes = encode(o.data, o.encoding);
    if (o.data instanceof ArrayBuffer) bytes = bytes.subarray(count(o.offset, 0), o.length === undefined ? undefined : count(o.offset, 0) + count(o.length, 0));
    const before = files.get(open.path)?.data || new Uint8Array();
    const at = open.append || o.position === undefined || o.position === null ? before.byteLength : count(o.position, 0);
    const next = new Uint8Array(Math.max(before.byteLength, at + bytes.byteLength));
    next.set(before);
    next.set(bytes, at);
    writeBytes('write', open.path, next, false);
    return { bytesWritten: bytes.byteLength };
  },
});

/** What finishes later: archives (DecompressionStream is asynchronous). */
const laterOps = /** @type {Record<string, (o: Record<string, any>) => Promise<any>>} */ ({
  unzip: async (o) => {
    const { entry } = existing('unzip', o.zipFilePath);
    const target = resolve('unzip', o.targetPath, true);
    if (!files.get(target)?.dir) throw new Error(`no such file or directory, unzip ${o.targetPath}`);
    for (const item of zipEntries(entry.data || new Uint8Array())) {
      const path = normalise(`${target}/${item.name}`);
      // An entry named ../x must not leave the target folder (zip slip).
      if (!path.startsWith(`${target}/`)) throw new Error(`invalid entry ${item.name}`);
      if (item.name.endsWith('/')) {
        if (!files.has(path)) ops.mkdir({ dirPath: path, recursive: true });
        continue;
      }
      if (!files.get(parentOf(path))?.dir) ops.mkdir({ dirPath: parentOf(path), recursive: true });
      writeBytes('unzip', path, await inflate(item), false);
    }
  },
  readZipEntry: async (o) => {
    const { entry } = existing('readZipEntry', o.filePath);
    const items = zipEntries(entry.data || new Uint8Array()).filter((item) => !item.name.endsWith('/'));
    const wanted = o.entries === 'all' ? items.map((item) => ({ path: item.name, encoding: o.encoding })) : Array.isArray(o.entries) ? o.entries : [];
    /** @type {Record<string, any>} */
    const entries = {};
    for (const want of wanted) {
      const path = String(want?.path ?? '').replace(/^\/+/, '');
      const item = items.find((candidate) => candidate.name === path);
      if (!item) {
        entries[path] = { errMsg: `readZipEntry:fail no such file or directory, ${path}` };
        continue;
      }
      let bytes = await inflate(item);
      if (want.position !== undefined || want.length !== undefined) {
        const start = count(want.position, 0);
        bytes = bytes.subarray(start, want.length === undefined ? undefined : start + count(want.length, 0));
      }
      entries[path] = { data: decode(bytes, want.encoding), errMsg: 'readZipEntry:ok' };
    }
    return { entries };
  },
  readCompressedFile: async (o) => {
    const { entry } = existing('readCompressedFile', o.filePath);
    const algorithm = String(o.compressionAlgorithm ?? 'br');
    if (algorithm !== 'br') throw new Error(`invalid compressionAlgorithm ${algorithm}`);
    let stream;
    try {
      stream = new DecompressionStream(/** @type {any} */ ('brotli'));
    } catch {
      throw new Error('brotli is not supported by this browser');
    }
    const out = new Response(new Blob([entry.data || new Uint8Array()]).stream().pipeThrough(stream));
    return { data: decode(new Uint8Array(await out.arrayBuffer()), o.encoding) };
  },
});

/** Sync forms that take one options object (the descriptor family), and the field they return. */
const SYNC_OBJECT = /** @type {Record<string, string | null>} */ ({
  open: 'fd', close: null, fstat: 'stats', ftruncate: null, truncate: null, read: '', write: '',
});

/** The positional arguments of each sync form, in WeChat's order. */
const SYNC_ARGS = /** @type {Record<string, string[]>} */ ({
  access: ['path'],
  readFile: ['filePath', 'encoding', 'position', 'length'],
  writeFile: ['filePath', 'data', 'encoding'],
  appendFile: ['filePath', 'data', 'encoding'],
  mkdir: ['dirPath', 'recursive'],
  rmdir: ['dirPath', 'recursive'],
  readdir: ['dirPath'],
  stat: ['path', 'recursive'],
  unlink: ['filePath'],
  copyFile: ['srcPath', 'destPath'],
  rename: ['oldPath', 'newPath'],
  saveFile: ['tempFilePath', 'filePath'],
});

/** What each sync form returns: the one field WeChat's sync form gives, or nothing. */
const SYNC_RESULT = /** @type {Record<string, string>} */ ({ readFile: 'data', readdir: 'files', stat: 'stats', saveFile: 'savedFilePath' });

function getFileSystemManager() {
  /** @type {Record<string, any>} */
  const manager = {};
  for (const name of Object.keys(ops)) {
    manager[name] = (/** @type {any} */ options) => answer(name, options, ops[name]);
    const positional = SYNC_ARGS[name];
    if (Object.hasOwn(SYNC_OBJECT, name)) {
      const field = SYNC_OBJECT[name];
      manager[`${name}Sync`] = (/** @type {any} */ options) =>
        sync(name, () => {
          const result = ops[name](options && typeof options === 'object' ? options : {});
          return field === null ? undefined : field ? result[field] : result;
        });
    } else if (positional) {
      manager[`${name}Sync`] = (/** @type {any[]} */ ...args) =>
        sync(name, () => {
          const result = ops[name](Object.fromEntries(positional.map((key, i) => [key, args[i]])));
          return SYNC_RESULT[name] ? result[SYNC_RESULT[name]] : undefined;
        });
    }
  }
  for (const name of Object.keys(laterOps)) {
    manager[name] = (/** @type {any} */ options) => answerLater(name, options, laterOps[name]);
  }
  // Brotli only decompresses asynchronously in a browser: the sync form cannot answer.
  manager.readCompressedFileSync = () =>
    sync('readCompressedFileSync', () => {
      throw new Error('not supported: use readCompressedFile');
    });
  return manager;
}

export const file = {
  getFileSystemManager,
  /** @param {any} options */
  saveFile: (options) => answer('saveFile', options, ops.saveFile),
  /** @param {any} options */
  getFileInfo: (options) => answer('getFileInfo', options, ops.getFileInfo),
  /** @param {any} options */
  getSavedFileList: (options) => answer('getSavedFileList', options, ops.getSavedFileList),
  /** @param {any} options */
  getSavedFileInfo: (options) => answer('getSavedFileInfo', options, ops.getSavedFileInfo),
  /** @param {any} options */
  removeSavedFile: (options) => answer('removeSavedFile', options, ops.removeSavedFile),
};

const MIME = /** @type {Record<string, string>} */ ({ png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml', mp3: 'audio/mpeg', mp4: 'video/mp4' });
/** @type {Map<string, {data: Uint8Array | undefined, url: string}>} */
const urls = new Map();

/**
 * What a page frame can load for a `wxfile://` path the app put in a `src`: a data: URL of the file
 * (the frame cannot reach this thread's file system; its CSP allows data: images and media). Made
 * once per file version. A path that names no file stays as it is.
 * @param {string} path
 */
export function fileUrl(path) {
  const p = normalise(path);
  const entry = files.get(p);
  if (!entry || entry.dir || !entry.data) return path;
  const cached = urls.get(p);
  if (cached && cached.data === entry.data) return cached.url;
  const ext = /\.([A-Za-z0-9]+)$/.exec(p)?.[1]?.toLowerCase() || '';
  const url = `data:${MIME[ext] || 'application/octet-stream'};base64,${decode(entry.data, 'base64')}`;
  urls.set(p, { data: entry.data, url });
  return url;
}
