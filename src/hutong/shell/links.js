// @ts-check
/**
 * Mini program addresses (as server/discovery/links.py reads them):
 *   https://<host>/miniapp/<appid>[;version=<v>]/<page>?<query>   a link (scene 1194)
 *   hutong://miniapp/<appid>[;version=<v>]/<page>?<query>         the scheme (scene 1065)
 *   https://<host>/s/<appid>/<scene>                               a mini program code's token
 */

/** @typedef {{kind: 'link' | 'scheme' | 'code', appid: string, page: string, query: Record<string, string>,
 *   channel: string, scene?: string}} Address */

const APPID = /^[A-Za-z0-9_-]{1,64}$/;
const CHANNELS = new Set(['trial', 'develop']);

/** @param {URLSearchParams} params */
function toQuery(params) {
  /** @type {Record<string, string>} */
  const query = {};
  for (const [key, value] of params) query[key] = value;
  return query;
}

/** @param {string} page */
function cleanPage(page) {
  const clean = page.replace(/^\/+/, '').replace(/\.(html|wxml|js)$/, '');
  if (clean.split('/').includes('..') || /[:\\]/.test(clean)) return null;
  return clean;
}

/**
 * @param {'link' | 'scheme'} kind @param {string} rest `<appid>[;version=v]/<page>` @param {string} search
 * @returns {Address | null}
 */
function miniapp(kind, rest, search) {
  const slash = rest.indexOf('/');
  const head = slash < 0 ? rest : rest.slice(0, slash);
  const [rawAppid, ...params] = head.split(';');
  const appid = decodeURIComponent(rawAppid);
  if (!APPID.test(appid)) return null;
  let version = '';
  for (const param of params) {
    const [key, value = ''] = param.split('=');
    if (key === 'version') version = decodeURIComponent(value);
  }
  const page = cleanPage(decodeURIComponent(slash < 0 ? '' : rest.slice(slash + 1)));
  if (page === null) return null;
  const query = toQuery(new URLSearchParams(search));
  return { kind, appid, page, query, channel: CHANNELS.has(version) ? version : 'release' };
}

/** Read any address form; null when the text is not a mini program's. @param {string} text @returns {Address | null} */
export function parseAddress(text) {
  const trimmed = String(text || '').trim();
  const scheme = /^hutong:\/\/miniapp\/([^?#]*)(?:\?([^#]*))?/.exec(trimmed);
  if (scheme) return miniapp('scheme', scheme[1], scheme[2] || '');
  let url;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  return parsePath(url.pathname, url.search);
}

/** The host's own address: a link or a code opened in the browser. @param {string} pathname @param {string} search */
export function parsePath(pathname, search) {
  const link = /^\/miniapp\/(.+)$/.exec(pathname);
  if (link) return miniapp('link', link[1], search);
  const code = /^\/s\/([^/]+)\/(.+)$/.exec(pathname);
  if (code) {
    const appid = decodeURIComponent(code[1]);
    const scene = decodeURIComponent(code[2]);
    if (!APPID.test(appid) || scene.length > 32) return null;
    return /** @type {Address} */ ({ kind: 'code', appid, page: '', query: {}, channel: 'release', scene });
  }
  return null;
}

/** A link to a page of an app (what "Share" hands out). @param {string} appid @param {string} page @param {Record<string, string>} query */
export function linkTo(appid, page, query) {
  const search = new URLSearchParams(query).toString();
  return `${location.origin}/miniapp/${encodeURIComponent(appid)}/${page.split('/').map(encodeURIComponent).join('/')}${search ? `?${search}` : ''}`;
}
