// @ts-check
/**
 * wx.createMapContext: the `<map>` with this id in the page's (or the given component's) template,
 * found when a method is called, asked through its frame (view/components/map.js `hutongCall`).
 * moveToLocation without coordinates asks for the user's position (scope.userLocation) as WeChat does.
 */
import { callHost } from '../call.js';
import { stack } from '../page.js';
import { querySelectorIn } from '../selector.js';
import { wx } from '../wx.js';
import { askElement } from './canvas.js';
import { answer, answerLater } from './shape.js';

/** What a MapContext method cannot do here: it fails the WeChat way. */
const UNSUPPORTED = ['addArc', 'addCustomLayer', 'addGroundOverlay', 'addVisualLayer', 'eraseLines', 'executeVisualLayerCommand',
  'initMarkerCluster', 'openMapApp', 'removeArc', 'removeCustomLayer', 'removeGroundOverlay', 'removeVisualLayer', 'setBoundary',
  'setCenterOffset', 'setLocMarkerIcon', 'updateGroundOverlay'];

/** Methods answered by the map element, with what they return. */
const ASKED = ['getCenterLocation', 'getRegion', 'getScale', 'includePoints', 'translateMarker', 'moveAlong', 'addMarkers',
  'removeMarkers', 'toScreenLocation', 'fromScreenLocation'];

class MapContext {
  /** @param {string} id @param {any} component */
  constructor(id, component) {
    this.id = id;
    this.component = component && component.__root ? component : null;
  }

  /** Ask the map element; rejects when the page shows no map with this id. @param {string} method @param {any} options */
  async ask(method, options) {
    const scope = this.component || stack[stack.length - 1];
    const node = scope?.__root ? querySelectorIn(scope.__root, scope, `#${this.id}`, false)[0] : null;
    if (!node || node.t !== 'map') throw new Error('map not found');
    const { success, fail, complete, animationEnd, ...args } = options || {};
    return askElement(scope.__tree.pageId, node.n, method, [args]);
  }

  /** @param {any} [options] */
  moveToLocation(options) {
    return answerLater('moveToLocation', options, async (o) => {
      let { latitude, longitude } = o;
      if (latitude === undefined || longitude === undefined) {
        // No coordinates: the user's own position, after their consent (scope.userLocation).
        const here = /** @type {any} */ (await callHost('getLocation', { type: 'gcj02' }).catch((/** @type {any} */ e) => {
          throw new Error(String(e?.errMsg || 'location unavailable').replace(/^getLocation:fail /, ''));
        }));
        ({ latitude, longitude } = here);
      }
      await this.ask('moveToLocation', { latitude, longitude });
    });
  }

  /** @param {any} [options] */
  getRotate(options) {
    return answer('getRotate', options, () => ({ rotate: 0 }));
  }

  /** @param {any} [options] */
  getSkew(options) {
    return answer('getSkew', options, () => ({ skew: 0 }));
  }

  /** Marker clusters are never formed here, so their events never fire. @param {string} _event @param {Function} _callback */
  on(_event, _callback) {}
}

for (const method of ASKED) {
  Object.defineProperty(MapContext.prototype, method, {
    /** @this {MapContext} @param {any} [options] */
    value(options) {
      // translateMarker and moveAlong: animationEnd once the marker arrives.
      const end = options?.animationEnd;
      return answerLater(method, options, async (o) => {
        const result = await this.ask(method, o);
        if (typeof end === 'function') Promise.resolve().then(() => end());
        return result;
      });
    },
    writable: true,
    configurable: true,
  });
}
for (const method of UNSUPPORTED) {
  Object.defineProperty(MapContext.prototype, method, {
    /** @param {any} [options] */
    value(options) {
      return answer(method, options, () => {
        throw new Error('not supported');
      });
    },
    writable: true,
    configurable: true,
  });
}

/** @param {string} id @param {any} [component] */
export function createMapContext(id, component) {
  return new MapContext(String(id), component);
}

// Until logic/wx.js lists them itself, the contexts join `wx` here (as media-context.js does).
const api = /** @type {any} */ (wx);
api.createMapContext ||= createMapContext;
