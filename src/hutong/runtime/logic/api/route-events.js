// @ts-check
/**
 * WeChat's route listeners (wx.onBeforeAppRoute, onAppRoute, onAppRouteDone, onBeforePageLoad,
 * onAfterPageLoad, onBeforePageUnload, onAfterPageUnload, and their off… forms). The host says when a
 * route starts (`route:start`, with its openType) and when its page stack is settled (`stack`);
 * worker.js calls `pageLoading`/`pageUnloading` around each page's creation and destruction.
 */
import { guard } from '../errors.js';
import { listeners } from './shape.js';

const events = {
  beforeAppRoute: listeners(),
  appRoute: listeners(),
  appRouteDone: listeners(),
  beforePageLoad: listeners(),
  afterPageLoad: listeners(),
  beforePageUnload: listeners(),
  afterPageUnload: listeners(),
};

/** A route's id, as WeChat gives each route event (routeEventId). */
let routeEventId = 0;

/** @param {keyof typeof events} name @param {Record<string, any>} res */
function emit(name, res) {
  guard(() => events[name].emit({ ...res }));
}

/** The host began a route. @param {{openType: string, path: string, query?: Record<string, string>}} message */
export function routeStarted(message) {
  routeEventId += 1;
  emit('beforeAppRoute', { path: message.path, query: message.query || {}, openType: message.openType, routeEventId: String(routeEventId) });
}

/** The host's page stack settled after a route. @param {{openType?: string, path?: string, query?: Record<string, string>, webviewId?: number}} message */
export function routeSettled(message) {
  if (!message.openType || !message.path) return;
  const res = { path: message.path, query: message.query || {}, openType: message.openType, webviewId: message.webviewId, routeEventId: String(routeEventId) };
  emit('appRoute', res);
  // No route animation here: the route is done once this task's rendering has been sent.
  setTimeout(() => emit('appRouteDone', res), 0);
}

/**
 * Around a page's creation (worker.js `page:load`): before and after its onLoad.
 * @param {{route: string, query?: Record<string, string>, id: number}} message @param {() => void} create
 */
export function pageLoading(message, create) {
  const res = { path: message.route, query: message.query || {}, webviewId: message.id, routeEventId: String(routeEventId) };
  emit('beforePageLoad', res);
  create();
  emit('afterPageLoad', res);
}

/** Around a page's destruction. @param {{route: string, id: number}} page @param {() => void} destroy */
export function pageUnloading(page, destroy) {
  const res = { path: page.route, webviewId: page.id, routeEventId: String(routeEventId) };
  emit('beforePageUnload', res);
  destroy();
  emit('afterPageUnload', res);
}

export const routeEvents = {
  onBeforeAppRoute: events.beforeAppRoute.on,
  offBeforeAppRoute: events.beforeAppRoute.off,
  onAppRoute: events.appRoute.on,
  offAppRoute: events.appRoute.off,
  onAppRouteDone: events.appRouteDone.on,
  offAppRouteDone: events.appRouteDone.off,
  onBeforePageLoad: events.beforePageLoad.on,
  offBeforePageLoad: events.beforePageLoad.off,
  onAfterPageLoad: events.afterPageLoad.on,
  offAfterPageLoad: events.afterPageLoad.off,
  onBeforePageUnload: events.beforePageUnload.on,
  offBeforePageUnload: events.beforePageUnload.off,
  onAfterPageUnload: events.afterPageUnload.on,
  offAfterPageUnload: events.afterPageUnload.off,
};
