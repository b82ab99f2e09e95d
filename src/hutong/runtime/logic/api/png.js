// @ts-check
/**
 * A synchronous PNG encoder for Canvas.toDataURL: WeChat's is synchronous, and a worker's
 * OffscreenCanvas only offers the asynchronous convertToBlob. Rows use the "up" filter and one
 * deflate block with the fixed Huffman codes and LZ77 matches: flat drawings (signatures, charts)
 * shrink to a few percent, and the encoder stays small.
 */

/** @type {Uint32Array | null} */
let crcTable = null;

/** @param {Uint8Array} bytes @param {number} start @param {number} end */
function crc32(bytes, start, end) {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * RGBA pixels (unpremultiplied, rows top to bottom) as PNG file bytes.
 * @param {number} width @param {number} height @param {Uint8Array | Uint8ClampedArray} rgba
 */
export function encodePng(width, height, rgba) {
  const stride = width * 4 + 1;
  const raw = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const at = y * width * 4;
    // Filter "up" (2) from the second row: each byte minus the one above.
    raw[row] = y ? 2 : 0;
    for (let i = 0; i < width * 4; i++) raw[row + 1 + i] = y ? rgba[at + i] - rgba[at + i - width * 4] : rgba[at + i];
  }
  const zlib = deflate(raw);
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const chunks = [chunk('IHDR', ihdr), chunk('IDAT', zlib), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(8 + chunks.reduce((n, c) => n + c.length, 0));
  out.set([137, 80, 78, 71, 13, 10, 26, 10]);
  let pos = 8;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
  4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

/** Bits written least significant first, as deflate packs them. */
class Bits {
  /** @param {number} size a first guess of the output's length */
  constructor(size) {
    this.out = new Uint8Array(Math.max(64, size));
    this.length = 0;
    this.acc = 0;
    this.count = 0;
  }

  /** @param {number} value @param {number} bits */
  put(value, bits) {
    this.acc |= value << this.count;
    this.count += bits;
    while (this.count >= 8) {
      if (this.length === this.out.length) {
        const bigger = new Uint8Array(this.out.length * 2);
        bigger.set(this.out);
        this.out = bigger;
      }
      this.out[this.length++] = this.acc & 0xff;
      this.acc >>>= 8;
      this.count -= 8;
    }
  }

  /** A Huffman code, whose bits go most significant first. @param {number} code @param {number} bits */
  code(code, bits) {
    let reversed = 0;
    for (let i = 0; i < bits; i++) reversed |= ((code >> i) & 1) << (bits - 1 - i);
    this.put(reversed, bits);
  }

  /** @param {number} symbol a literal byte, 256 (end) or a length code 257–285 */
  symbol(symbol) {
    if (symbol < 144) this.code(0x30 + symbol, 8);
    else if (symbol < 256) this.code(0x190 + symbol - 144, 9);
    else if (symbol < 280) this.code(symbol - 256, 7);
    else this.code(0xc0 + symbol - 280, 8);
  }

  bytes() {
    if (this.count) this.put(0, 8 - this.count);
    return this.out.subarray(0, this.length);
  }
}

/** The first index of `table` whose value is above `n`, less one. @param {number[]} table @param {number} n */
function slot(table, n) {
  let i = 0;
  while (i + 1 < table.length && table[i + 1] <= n) i++;
  return i;
}

/** zlib bytes of `data`: one final block with the fixed codes, matches found through a hash of 3 bytes. @param {Uint8Array} data */
function deflate(data) {
  const bits = new Bits(data.length / 4 + 64);
  bits.put(0x78, 8);
  bits.put(0x01, 8);
  bits.put(1, 1); // final block
  bits.put(1, 2); // fixed Huffman codes
  const head = new Int32Array(1 << 15).fill(-1);
  const prev = new Int32Array(32768);
  const hash = (/** @type {number} */ i) => ((data[i] << 10) ^ (data[i + 1] << 5) ^ data[i + 2]) & 0x7fff;
  let i = 0;
  while (i < data.length) {
    let best = 0;
    let distance = 0;
    if (i + 2 < data.length) {
      const h = hash(i);
      let candidate = head[h];
      for (let tries = 0; candidate >= 0 && i - candidate <= 32768 && tries < 8; tries++) {
        let n = 0;
        const limit = Math.min(258, data.length - i);
        while (n < limit && data[candidate + n] === data[i + n]) n++;
        if (n > best) {
          best = n;
          distance = i - candidate;
          if (n === limit) break;
        }
        candidate = prev[candidate & 0x7fff];
      }
      prev[i & 0x7fff] = head[h];
      head[h] = i;
    }
    if (best >= 3) {
      const l = slot(LENGTH_BASE, best);
      bits.symbol(257 + l);
      bits.put(best - LENGTH_BASE[l], LENGTH_EXTRA[l]);
      const d = slot(DIST_BASE, distance);
      bits.code(d, 5);
      bits.put(distance - DIST_BASE[d], DIST_EXTRA[d]);
      // The matched bytes join the hash too, so later matches can start inside them.
      for (let k = 1; k < best; k++) {
        const at = i + k;
        if (at + 2 < data.length) {
          const h = hash(at);
          prev[at & 0x7fff] = head[h];
          head[h] = at;
        }
      }
      i += best;
    } else {
      bits.symbol(data[i]);
      i++;
    }
  }
  bits.symbol(256);
  const body = bits.bytes();
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  let a = 1;
  let b = 0;
  for (let k = 0; k < data.length; k++) {
    a = (a + data[k]) % 65521;
    b = (b + a) % 65521;
  }
  new DataView(out.buffer).setUint32(body.length, ((b << 16) | a) >>> 0);
  return out;
}

/** @param {string} type @param {Uint8Array} data */
function chunk(type, data) {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/** @param {Uint8Array} bytes */
export function base64(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}
