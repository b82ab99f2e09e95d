// @ts-check
/** Fetch a bundle and refuse it unless its SHA-256 matches the launch manifest. */

/** @param {ArrayBuffer} buffer */
async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest('SHA-256', buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export class IntegrityError extends Error {}

/**
 * @param {{url: string, sha256: string}} bundle
 * @param {string} name for the error message
 * @returns {Promise<string>} the bundle's text, verified
 */
export async function fetchVerified(bundle, name) {
  const response = await fetch(bundle.url);
  if (!response.ok) throw new IntegrityError(`${name}: download failed (HTTP ${response.status})`);
  const buffer = await response.arrayBuffer();
  const actual = await sha256Hex(buffer);
  if (actual !== bundle.sha256) {
    throw new IntegrityError(`${name} was tampered with: its SHA-256 is ${actual}, not ${bundle.sha256}`);
  }
  return new TextDecoder().decode(buffer);
}
