// @ts-check
/**
 * WeChat's passive touch events (`enablePassiveEvent` in app.json or a page's json, and a page's or
 * component's `setPassiveEvent` / `getPassiveEvent`). The frame listens to pointers passively in any
 * case; what a passive `touchmove` changes is that a `catchtouchmove` under that scope no longer
 * keeps the page from scrolling (logic/tree.js leaves its `!touchmove` mark out), as in WeChat.
 */
import { appConfig } from './app-config.js';
import { pagePassiveEvents, passiveEvents } from '../common/page-config.js';

/**
 * The events an instance listens to passively: what it set, else its page's configuration.
 * @param {any} instance a page or component instance @returns {Record<string, boolean>}
 */
export function passiveOf(instance) {
  if (instance?.__passive) return instance.__passive;
  const route = instance?.__tree?.page?.route;
  return route ? pagePassiveEvents(appConfig(), route) : passiveEvents(undefined);
}

/** Whether a `catchtouchmove` in `owner`'s template still stops the page scrolling. @param {any} owner */
export function catchesMove(owner) {
  return !passiveOf(owner).touchmove;
}
