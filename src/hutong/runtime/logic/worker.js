// @ts-check
/**
 * The logic thread's entry point. The host starts it from a data: URL, so it runs in an opaque origin
 * with no DOM; the host sends the verified logic bundle as text and this module runs it.
 */
import { App, callApp, getApp } from './app.js';
import { dispatch, on, send } from './bridge.js';
import { guard, reportError, setLineMap } from './errors.js';
import * as modules from './modules.js';
import { hasDefinition, instances, Page, PageInstance, setRegistering, stack } from './page.js';
import { settle, wx } from './wx.js';

/** @type {Record<string, any>} */
let config = {};

const globals = /** @type {any} */ (globalThis);
Object.assign(globals, {
  App,
  Page,
  getApp,
  getCurrentPages: () => stack.slice(),
  wx,
  __hutong_define: modules.define,
});

/** Run the app's code: app.js first, then each page's module in its own registration slot. */
function boot() {
  if (modules.has('app.js')) guard(() => modules.load('app.js'));
}

/** @param {string} route */
function loadPage(route) {
  if (hasDefinition(route)) return;
  const path = `${route}.js`;
  if (!modules.has(path)) return;
  setRegistering(route);
  try {
    modules.load(path);
  } catch (error) {
    reportError(error);
  } finally {
    setRegistering(null);
  }
}

on('init', async (message) => {
  config = message.config;
  setLineMap(config.lineMap || []);
  const url = URL.createObjectURL(new Blob([message.logicCode], { type: 'text/javascript' }));
  // The bundle is named so that stack traces can be mapped back to source lines (errors.js).
  await import(`${url}#logic-bundle`);
  boot();
  callApp('onLaunch', message.launch);
  callApp('onShow', message.launch);
  send({ t: 'ready' });
});

// A subpackage's logic bundle, verified by the host before a page in it opens (host/packages.js).
on('package:logic', async (message) => {
  try {
    const url = URL.createObjectURL(new Blob([message.code], { type: 'text/javascript' }));
    await import(`${url}#logic-${message.root}`);
    if (message.entry) modules.load(message.entry);
    send({ t: 'package:loaded', root: message.root });
  } catch (error) {
    reportError(error);
    send({ t: 'package:loaded', root: message.root, error: String(error) });
  }
});

on('page:load', (message) => {
  loadPage(message.route);
  const page = new PageInstance(message.id, message.route, message.query || {});
  instances.set(message.id, page);
  stack.push(page);
  send({ t: 'page:data', id: page.__id, seq: 0, data: JSON.stringify(page.data) });
  page.__call('onLoad', page.options);
  page.__call('onShow');
});

on('page:rendered', (message) => {
  const page = instances.get(message.id);
  if (!page) return;
  if (message.seq === 0) page.__call('onReady');
  page.__rendered(message.seq);
});

// The app to the background and back (added for the shell; the runtime branch has its own).
on('app:hide', () => {
  stack[stack.length - 1]?.__call('onHide');
  callApp('onHide');
});
on('app:show', (message) => {
  callApp('onShow', message.options || {});
  stack[stack.length - 1]?.__call('onShow');
});

on('page:show', (message) => instances.get(message.id)?.__call('onShow'));
on('page:hide', (message) => instances.get(message.id)?.__call('onHide'));
on('page:unload', (message) => {
  const page = instances.get(message.id);
  if (!page) return;
  page.__call('onUnload');
  instances.delete(message.id);
  const index = stack.indexOf(page);
  if (index >= 0) stack.splice(index, 1);
});

on('event', (message) => {
  const page = instances.get(message.id);
  if (!page) return;
  const handler = /** @type {any} */ (page)[message.handler];
  if (typeof handler !== 'function') {
    console.warn(`Component "${page.route}" does not have a method "${message.handler}" to handle event "${message.event.type}".`);
    return;
  }
  guard(() => handler.call(page, message.event));
});

on('api:result', (message) => settle(message.cb, message));

globals.addEventListener('message', (/** @type {MessageEvent} */ event) => dispatch(event.data));
globals.addEventListener('error', (/** @type {ErrorEvent} */ event) => {
  reportError(event.error || event.message);
  event.preventDefault();
});
globals.addEventListener('unhandledrejection', (/** @type {PromiseRejectionEvent} */ event) => {
  callApp('onUnhandledRejection', { reason: event.reason, promise: event.promise });
  reportError(event.reason);
  event.preventDefault();
});
send({ t: 'booted' });
