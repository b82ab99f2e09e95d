// @ts-check
/**
 * `<map>` drawn with Leaflet (served beside the runtime from the xstatic-leaflet package, loaded the
 * first time a page shows a map). Tiles come from the operator's HUTONG_MAP_TILE_URL; without one the
 * map is a plain grid that still pans and zooms, with markers, callouts, labels, polylines, polygons
 * and circles in place. Coordinates are drawn as the app gives them (WeChat's are GCJ-02): the tiles
 * must use the same system (docs/compatibility.md, "Maps"). MapContext calls arrive as `hutongCall`
 * (logic/api/map.js).
 */
import { emit } from '../events.js';
import { Builtin, define, flag, num, platform, resolveAsset } from './base.js';

/** A file served beside the runtime (server/delivery/runtime_assets.py `_vendor`). @param {string} path */
export function vendorUrl(path) {
  return new URL(`../vendor/leaflet/${path}`, location.href).href;
}

/** @type {Promise<any> | null} */
let leaflet = null;
/** Leaflet's ES module, once per frame. @returns {Promise<any>} */
function loadLeaflet() {
  leaflet ??= import(vendorUrl('leaflet-src.esm.js'));
  return leaflet;
}

/** WeChat's `#RRGGBBAA` (or any CSS colour) as a colour and an opacity. @param {any} value @param {string} fallback */
function paint(value, fallback) {
  const text = typeof value === 'string' && value ? value : fallback;
  const m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(text);
  if (m) return { color: `#${m[1]}`, opacity: m[2] ? parseInt(m[2], 16) / 255 : 1 };
  return { color: text, opacity: 1 };
}

/** @param {any} p */
const latLng = (p) => [Number(p?.latitude), Number(p?.longitude)];
/** @param {any} p */
const valid = (p) => p && Number.isFinite(Number(p.latitude)) && Number.isFinite(Number(p.longitude));
/** @param {any} v */
const list = (v) => (Array.isArray(v) ? v : []);
/** @param {string} text */
const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The inline style of a callout or label box. @param {any} s */
function boxStyle(s) {
  const bg = paint(s.bgColor, '#ffffff');
  const border = paint(s.borderColor, '#00000000');
  return [
    `color:${paint(s.color, '#000000').color}`,
    `font-size:${Number(s.fontSize) || 14}px`,
    `background:${bg.opacity === 1 ? bg.color : `color-mix(in srgb, ${bg.color} ${Math.round(bg.opacity * 100)}%, transparent)`}`,
    `border:${Number(s.borderWidth) || 0}px solid ${border.color}`,
    `border-radius:${Number(s.borderRadius) || 0}px`,
    `padding:${Number(s.padding) || 0}px`,
    `text-align:${s.textAlign || 'center'}`,
  ].join(';');
}

const CSS = `
:host { display: block; width: 300px; height: 225px; position: relative; overflow: hidden; }
.map { position: absolute; inset: 0; background: #f4f1ec; font: 12px sans-serif; }
.cover { position: absolute; inset: 0; pointer-events: none; z-index: 1000; }
.cover ::slotted(*) { pointer-events: auto; }
.hm-marker { background: none; border: none; }
.hm-pin { position: absolute; left: 0; top: 0; }
.hm-pin img { display: block; }
.hm-callout { position: absolute; bottom: 100%; left: 50%; transform: translateX(-50%); margin-bottom: 6px; white-space: pre; box-shadow: 0 1px 4px rgba(0,0,0,.2); }
.hm-label { position: absolute; white-space: pre; }
`;

/**
 * A grid of 256 px squares where the operator configured no tiles: the map still shows where it is
 * being moved. @param {any} L
 */
function gridLayer(L) {
  const Grid = L.GridLayer.extend({
    /** @param {any} coords */
    createTile(coords) {
      const tile = document.createElement('canvas');
      tile.width = tile.height = 256;
      const ctx = /** @type {CanvasRenderingContext2D} */ (tile.getContext('2d'));
      ctx.strokeStyle = '#dcd6cc';
      ctx.lineWidth = 1;
      ctx.strokeRect(0.5, 0.5, 256, 256);
      ctx.strokeStyle = '#ebe6de';
      ctx.beginPath();
      for (const at of [64, 128, 192]) {
        ctx.moveTo(at + 0.5, 0);
        ctx.lineTo(at + 0.5, 256);
        ctx.moveTo(0, at + 0.5);
        ctx.lineTo(256, at + 0.5);
      }
      ctx.stroke();
      tile.dataset.z = String(coords.z);
      return tile;
    },
  });
  return new Grid({ className: 'hm-grid' });
}

class WxMap extends Builtin {
  static observed = ['longitude', 'latitude', 'scale', 'min-scale', 'max-scale', 'enable-zoom', 'enable-scroll'];
  /** @type {any} the Leaflet map once it is drawn */
  map = null;
  /** @type {any} */
  L = null;
  /** @type {Promise<void> | null} */
  ready = null;
  /** @type {Map<string, any>} markers the app added with MapContext.addMarkers, by id */
  added = new Map();
  /** @type {Map<string, any>} every Leaflet marker drawn, by marker id */
  drawn = new Map();
  /** @type {Set<string>} ids whose BYCLICK callout is open */
  openCallouts = new Set();
  /** What moves the map now: 'update' while the app moves it, else the user's gesture. */
  cause = '';
  /** @type {HTMLElement} */
  box;

  constructor() {
    super();
    const root = this.shadow(CSS, '<div class="map"></div><div class="cover"><slot></slot></div>');
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = vendorUrl('leaflet.css');
    root.prepend(link);
    this.box = /** @type {HTMLElement} */ (root.querySelector('.map'));
    new ResizeObserver(() => this.map?.invalidateSize()).observe(this);
  }

  /** @param {string} name */
  prop(name) {
    const props = /** @type {any} */ (this).__props || {};
    const camel = name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    return props[name] ?? props[camel];
  }

  get center() {
    const lat = num(this, 'latitude', NaN);
    const lng = num(this, 'longitude', NaN);
    // WeChat's default centre is Beijing.
    return Number.isFinite(lat) && Number.isFinite(lng) ? [lat, lng] : [39.92, 116.46];
  }

  render() {
    if (!this.ready) {
      this.ready = loadLeaflet().then((L) => this.create(L));
      return;
    }
    if (!this.map) return;
    this.map.setMinZoom(num(this, 'min-scale', 3));
    this.map.setMaxZoom(num(this, 'max-scale', 20));
    this.gestures();
    const [lat, lng] = this.center;
    const zoom = num(this, 'scale', 16);
    const now = this.map.getCenter();
    if (Math.abs(now.lat - lat) > 1e-9 || Math.abs(now.lng - lng) > 1e-9 || this.map.getZoom() !== zoom) this.update(() => this.map.setView([lat, lng], zoom));
  }

  /** @param {any} L */
  create(L) {
    this.L = L;
    const map = L.map(this.box, {
      zoomControl: false,
      attributionControl: Boolean(platform.map?.attribution),
      minZoom: num(this, 'min-scale', 3),
      maxZoom: num(this, 'max-scale', 20),
    });
    if (platform.map?.attribution) map.attributionControl.setPrefix(false);
    if (platform.map) L.tileLayer(platform.map.url, { maxZoom: 20, attribution: platform.map.attribution }).addTo(map);
    else gridLayer(L).addTo(map);
    this.shapes = L.layerGroup().addTo(map);
    this.markers = L.layerGroup().addTo(map);
    // The first view is where the map starts, not a change of region.
    map.setView(this.center, num(this, 'scale', 16), { animate: false });
    map.on('dragstart', () => (this.cause ||= 'drag'));
    map.on('zoomstart', () => (this.cause ||= 'scale'));
    map.on('movestart', () => this.region('begin', this.cause === 'update' ? 'update' : 'gesture'));
    map.on('moveend', () => {
      this.region('end', this.cause || 'drag');
      this.cause = '';
    });
    this.map = map;
    this.gestures();
    this.drawShapes();
    this.drawMarkers();
    this.includePoints(list(this.prop('include-points')), []);
    emit(this, 'updated', {});
  }

  /** Run `move` as the app's own move of the map (regionchange says causedBy "update"). @param {() => void} move */
  update(move) {
    this.cause = 'update';
    move();
  }

  gestures() {
    const map = this.map;
    const zoom = this.getAttribute('enable-zoom') === null || flag(this, 'enable-zoom');
    const scroll = this.getAttribute('enable-scroll') === null || flag(this, 'enable-scroll');
    for (const handler of [map.scrollWheelZoom, map.doubleClickZoom, map.touchZoom, map.boxZoom]) zoom ? handler.enable() : handler.disable();
    for (const handler of [map.dragging, map.keyboard]) scroll ? handler.enable() : handler.disable();
  }

  /** WeChat's regionchange: `type` begin or end, and what caused it. @param {string} type @param {string} causedBy */
  region(type, causedBy) {
    const detail = { type, causedBy, rotate: 0, skew: 0, scale: this.map.getZoom(), centerLocation: this.centerLocation(), region: this.regionNow() };
    emit(this, 'regionchange', detail, false, { type, causedBy });
  }

  centerLocation() {
    const c = this.map.getCenter();
    return { latitude: c.lat, longitude: c.lng };
  }

  regionNow() {
    const b = this.map.getBounds();
    return { southwest: { latitude: b.getSouth(), longitude: b.getWest() }, northeast: { latitude: b.getNorth(), longitude: b.getEast() } };
  }

  /** Object and array attributes (markers, polyline, …) from the logic thread. @param {string} name */
  hutongPropChanged(name) {
    if (!this.map) return;
    if (name === 'markers') this.drawMarkers();
    else if (name === 'include-points' || name === 'includePoints') this.includePoints(list(this.prop('include-points')), []);
    else this.drawShapes();
    emit(this, 'updated', {});
  }

  drawShapes() {
    const L = this.L;
    this.shapes.clearLayers();
    for (const line of list(this.prop('polyline'))) {
      const points = list(line.points).filter(valid).map(latLng);
      if (points.length < 2) continue;
      const width = Number(line.width) || 1;
      if (Number(line.borderWidth) > 0) {
        const border = paint(line.borderColor, '#000000');
        L.polyline(points, { color: border.color, opacity: border.opacity, weight: width + 2 * Number(line.borderWidth), interactive: false }).addTo(this.shapes);
      }
      const { color, opacity } = paint(line.color, '#000000');
      L.polyline(points, { color, opacity, weight: width, dashArray: line.dottedLine ? `${width * 2} ${width * 2}` : null, interactive: false, className: 'hm-polyline' }).addTo(this.shapes);
    }
    for (const shape of list(this.prop('polygons'))) {
      const points = list(shape.points).filter(valid).map(latLng);
      if (points.length < 3) continue;
      const stroke = paint(shape.strokeColor, '#000000');
      const fill = paint(shape.fillColor, '#00000000');
      L.polygon(points, { color: stroke.color, opacity: stroke.opacity, weight: Number(shape.strokeWidth) || 0, fillColor: fill.color, fillOpacity: fill.opacity, interactive: false, className: 'hm-polygon' }).addTo(this.shapes);
    }
    for (const circle of list(this.prop('circles'))) {
      if (!valid(circle)) continue;
      const stroke = paint(circle.color, '#000000');
      const fill = paint(circle.fillColor, '#00000000');
      L.circle(latLng(circle), { radius: Number(circle.radius) || 0, color: stroke.color, opacity: stroke.opacity, weight: Number(circle.strokeWidth) || 0, fillColor: fill.color, fillOpacity: fill.opacity, interactive: false, className: 'hm-circle' }).addTo(this.shapes);
    }
  }

  /** The `markers` attribute and those added by MapContext.addMarkers, by id. */
  allMarkers() {
    /** @type {Map<string, any>} */
    const byId = new Map();
    list(this.prop('markers')).forEach((m, i) => byId.set(String(m?.id ?? `#${i}`), m));
    for (const [id, m] of this.added) byId.set(id, m);
    return byId;
  }

  drawMarkers() {
    this.markers.clearLayers();
    this.drawn.clear();
    for (const [id, m] of this.allMarkers()) {
      if (!valid(m)) continue;
      const marker = this.L.marker(latLng(m), { icon: this.icon(id, m), zIndexOffset: (Number(m.zIndex) || 0) * 1000, title: m.title || '', keyboard: false });
      marker.on('click', (/** @type {any} */ e) => this.markerTap(id, m, e.originalEvent));
      marker.addTo(this.markers);
      marker.__wx = m;
      this.drawn.set(id, marker);
    }
  }

  /** @param {string} id @param {any} m */
  icon(id, m) {
    const width = Number(m.width) || (m.iconPath ? 0 : 25);
    const height = Number(m.height) || (m.iconPath ? 0 : 41);
    const src = m.iconPath ? resolveAsset(this, String(m.iconPath)) : vendorUrl('images/marker-icon.png');
    const ax = Number(m.anchor?.x ?? 0.5);
    const ay = Number(m.anchor?.y ?? 1);
    const size = `${width ? `width:${width}px;` : ''}${height ? `height:${height}px;` : ''}`;
    const img = `<img class="hm-icon" src="${escapeHtml(src)}" alt="${escapeHtml(m.ariaLabel || m.title || '')}" style="${size}opacity:${m.alpha ?? 1};transform:rotate(${Number(m.rotate) || 0}deg)">`;
    const callout = m.callout && m.callout.content !== undefined && (m.callout.display === 'ALWAYS' || this.openCallouts.has(id))
      ? `<div class="hm-callout" style="${boxStyle(m.callout)}">${escapeHtml(m.callout.content)}</div>`
      : '';
    const label = m.label && m.label.content !== undefined
      ? `<div class="hm-label" style="left:${Number(m.label.anchorX ?? m.label.x) || 0}px;top:${Number(m.label.anchorY ?? m.label.y) || 0}px;${boxStyle({ textAlign: 'left', ...m.label })}">${escapeHtml(m.label.content)}</div>`
      : '';
    const html = `<div class="hm-pin" data-marker-id="${escapeHtml(id)}" style="transform:translate(${-ax * 100}%,${-ay * 100}%)">${callout}${img}</div>${label}`;
    return this.L.divIcon({ className: 'hm-marker', html, iconSize: null, iconAnchor: [0, 0] });
  }

  /** A tap on a marker, its callout or its label. @param {string} id @param {any} m @param {Event} event */
  markerTap(id, m, event) {
    const path = event?.composedPath?.() || [];
    const on = (/** @type {string} */ cls) => path.some((n) => /** @type {any} */ (n).classList?.contains(cls));
    const markerId = typeof m.id === 'number' ? m.id : Number.isFinite(Number(id)) ? Number(id) : id;
    if (on('hm-callout')) emit(this, 'callouttap', { markerId }, false, { markerId });
    else if (on('hm-label')) emit(this, 'labeltap', { markerId }, false, { markerId });
    else {
      emit(this, 'markertap', { markerId }, false, { markerId });
      if (m.callout && m.callout.display !== 'ALWAYS' && m.callout.content !== undefined) {
        if (this.openCallouts.has(id)) this.openCallouts.delete(id);
        else this.openCallouts.add(id);
        this.drawn.get(id)?.setIcon(this.icon(id, m));
      }
    }
  }

  /**
   * The detail of a tap on the map itself (view/events.js): where on the earth; null for a tap on a
   * marker, its callout or label (those have their own events). @param {PointerEvent} event
   */
  hutongTapDetail(event) {
    if (!this.map) return undefined;
    if (event.composedPath().some((n) => /** @type {any} */ (n).classList?.contains('hm-marker'))) return null;
    const at = this.map.mouseEventToLatLng(event);
    return { latitude: at.lat, longitude: at.lng };
  }

  /** @param {any[]} points @param {any} padding [top, right, bottom, left] */
  includePoints(points, padding) {
    const usable = points.filter(valid).map(latLng);
    if (!usable.length) return;
    const [top = 0, right = 0, bottom = 0, left = 0] = list(padding).map(Number);
    this.update(() => this.map.fitBounds(usable, { paddingTopLeft: [left, top], paddingBottomRight: [right, bottom], animate: false }));
  }

  /**
   * Move a marker to `to` over `duration` ms (translateMarker, moveAlong).
   * @param {string} id @param {number[][]} path @param {number} duration @param {boolean} autoRotate
   * @returns {Promise<void>}
   */
  animate(id, path, duration, autoRotate) {
    const marker = this.drawn.get(id);
    if (!marker) return Promise.reject(new Error(`marker ${id} not found`));
    const from = marker.getLatLng();
    const points = [[from.lat, from.lng], ...path];
    const lengths = points.slice(1).map((p, i) => Math.hypot(p[0] - points[i][0], p[1] - points[i][1]));
    const total = lengths.reduce((a, b) => a + b, 0) || 1;
    const started = performance.now();
    return new Promise((resolve) => {
      const step = () => {
        const t = Math.min(1, (performance.now() - started) / Math.max(1, duration));
        let along = t * total;
        let i = 0;
        while (i < lengths.length - 1 && along > lengths[i]) along -= lengths[i++];
        const a = points[i];
        const b = points[i + 1];
        const f = lengths[i] ? Math.min(1, along / lengths[i]) : 1;
        marker.setLatLng([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f]);
        if (autoRotate) {
          const img = marker.getElement()?.querySelector('.hm-icon');
          if (img) img.style.transform = `rotate(${(Math.atan2(b[1] - a[1], b[0] - a[0]) * 180) / Math.PI}deg)`;
        }
        if (t < 1) requestAnimationFrame(step);
        else {
          marker.__wx = { ...marker.__wx, latitude: b[0], longitude: b[1] };
          resolve();
        }
      };
      requestAnimationFrame(step);
    });
  }

  /** MapContext (logic/api/map.js). @param {string} method @param {any[]} args */
  async hutongCall(method, args) {
    await this.ready;
    const map = this.map;
    const o = args[0] || {};
    switch (method) {
      case 'getCenterLocation':
        return this.centerLocation();
      case 'getRegion':
        return this.regionNow();
      case 'getScale':
        return { scale: map.getZoom() };
      case 'moveToLocation':
        this.update(() => map.setView([Number(o.latitude), Number(o.longitude)], map.getZoom(), { animate: false }));
        return {};
      case 'includePoints':
        this.includePoints(list(o.points), o.padding);
        return {};
      case 'translateMarker': {
        const to = latLng(o.destination);
        if (!valid(o.destination)) throw new Error('parameter error: destination');
        await this.animate(String(o.markerId), [to], Number(o.duration ?? 1000), Boolean(o.autoRotate));
        return {};
      }
      case 'moveAlong':
        await this.animate(String(o.markerId), list(o.path).filter(valid).map(latLng), Number(o.duration) || 1000, o.autoRotate !== false);
        return {};
      case 'addMarkers':
        if (o.clear) {
          this.added.clear();
          /** @type {any} */ (this).__props = { ...(/** @type {any} */ (this).__props || {}), markers: [] };
        }
        for (const m of list(o.markers)) this.added.set(String(m?.id), m);
        this.drawMarkers();
        return {};
      case 'removeMarkers': {
        const ids = new Set(list(o.markerIds).map(String));
        for (const id of ids) this.added.delete(id);
        const props = /** @type {any} */ (this).__props || {};
        props.markers = list(props.markers).filter((m) => !ids.has(String(m?.id)));
        this.drawMarkers();
        return {};
      }
      case 'toScreenLocation': {
        const p = map.latLngToContainerPoint([Number(o.latitude), Number(o.longitude)]);
        return { x: p.x, y: p.y };
      }
      case 'fromScreenLocation': {
        const at = map.containerPointToLatLng([Number(o.x), Number(o.y)]);
        return { latitude: at.lat, longitude: at.lng };
      }
      default:
        throw new Error('not supported');
    }
  }
}
define('wx-map', WxMap);
