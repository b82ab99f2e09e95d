// @ts-check
/**
 * The host's own maps: wx.openLocation (a place on a map) and wx.chooseLocation (the user moves the
 * map under a fixed pin), drawn in the host page outside every frame with the same Leaflet and the
 * same tiles as `<map>` (view/components/map.js).
 */
import { el, overlay } from './ui.js';

/** @typedef {{surface: HTMLElement, runtimeBase: string}} Surface */

/**
 * The operator's map tiles (server/app.py `map_meta`: HUTONG_MAP_TILE_URL), also handed to each page
 * frame; null when none are configured, and maps draw a plain grid.
 * @returns {{url: string, attribution: string} | null}
 */
export function mapTiles() {
  const meta = document.querySelector('meta[name="hutong-map-tiles"]');
  const url = meta?.getAttribute('content') || '';
  return /^https?:\/\//.test(url) ? { url, attribution: meta?.getAttribute('data-attribution') || '' } : null;
}

/** @param {Surface} mp @returns {Promise<any>} Leaflet, with its stylesheet in the host page */
async function leaflet(mp) {
  const base = `${mp.runtimeBase}vendor/leaflet/`;
  if (!document.querySelector('link[data-hutong-leaflet]')) {
    document.head.appendChild(el('link', { rel: 'stylesheet', href: `${base}leaflet.css`, 'data-hutong-leaflet': '' }));
  }
  return import(`${base}leaflet-src.esm.js`);
}

/** A Leaflet map in `box` at `center`, with the operator's tiles or a plain grid. @param {any} L @param {HTMLElement} box @param {number[]} center @param {number} zoom */
function drawMap(L, box, center, zoom) {
  const tiles = mapTiles();
  const map = L.map(box, { zoomControl: false, attributionControl: Boolean(tiles?.attribution) }).setView(center, zoom);
  if (tiles?.attribution) map.attributionControl.setPrefix(false);
  if (tiles) L.tileLayer(tiles.url, { maxZoom: 20, attribution: tiles.attribution }).addTo(map);
  else box.classList.add('hutong-map-grid');
  return map;
}

/** @param {any} v */
const coordinate = (v) => (v === undefined || v === null || v === '' ? NaN : Number(v));

/**
 * wx.openLocation: the place on a map with its name and address, until the user closes it.
 * @param {Surface} mp @param {{latitude: number, longitude: number, scale?: number, name?: string, address?: string}} place
 */
export async function showPlace(mp, place) {
  const L = await leaflet(mp);
  const layer = overlay(mp, 'hutong-map-layer');
  const box = el('div', { className: 'hutong-map-box' });
  const close = el('button', { type: 'button', className: 'hutong-map-close', onclick: () => layer.remove() }, ['关闭']);
  layer.append(
    box,
    el('div', { className: 'hutong-map-panel' }, [
      el('div', { className: 'hutong-map-name' }, [String(place.name || '位置')]),
      el('div', { className: 'hutong-map-address' }, [String(place.address || `${place.latitude.toFixed(6)}, ${place.longitude.toFixed(6)}`)]),
      close,
    ]),
  );
  const scale = Math.min(18, Math.max(5, Number(place.scale) || 18));
  const map = drawMap(L, box, [place.latitude, place.longitude], scale);
  L.marker([place.latitude, place.longitude], {
    icon: L.icon({ iconUrl: `${mp.runtimeBase}vendor/leaflet/images/marker-icon.png`, iconSize: [25, 41], iconAnchor: [12, 41] }),
  }).addTo(map);
}

/**
 * wx.chooseLocation: the user moves the map under a fixed pin, may type what the place is called,
 * and confirms; resolves with WeChat's fields or rejects "cancel".
 * @param {Surface} mp @param {Record<string, any>} args @param {() => Promise<{latitude: number, longitude: number}>} here
 * @returns {Promise<{name: string, address: string, latitude: number, longitude: number}>}
 */
export async function choosePlace(mp, args, here) {
  let latitude = coordinate(args.latitude);
  let longitude = coordinate(args.longitude);
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) ({ latitude, longitude } = await here());
  const L = await leaflet(mp);
  const layer = overlay(mp, 'hutong-map-layer hutong-choose-location');
  const box = el('div', { className: 'hutong-map-box' });
  const name = /** @type {HTMLInputElement} */ (el('input', { className: 'hutong-map-input', name: 'name', placeholder: '名称' }));
  const address = /** @type {HTMLInputElement} */ (el('input', { className: 'hutong-map-input', name: 'address', placeholder: '地址' }));
  const where = el('div', { className: 'hutong-map-address' });
  return new Promise((resolve, reject) => {
    const cancel = el('button', { type: 'button', className: 'hutong-map-cancel', onclick: () => { layer.remove(); reject(new Error('cancel')); } }, ['取消']);
    const done = el('button', { type: 'button', className: 'hutong-map-done', onclick: () => {
      const c = map.getCenter();
      layer.remove();
      resolve({ name: name.value.trim(), address: address.value.trim(), latitude: c.lat, longitude: c.lng });
    } }, ['确定']);
    layer.append(
      el('div', { className: 'hutong-map-bar' }, [cancel, el('span', { className: 'hutong-map-title' }, ['选择位置']), done]),
      box,
      el('div', { className: 'hutong-map-panel' }, [where, name, address]),
    );
    const map = drawMap(L, box, [latitude, longitude], 16);
    box.appendChild(el('div', { className: 'hutong-map-pin', 'aria-hidden': 'true' }));
    const show = () => {
      const c = map.getCenter();
      where.textContent = `${c.lat.toFixed(6)}, ${c.lng.toFixed(6)}`;
    };
    map.on('move', show);
    show();
  });
}
