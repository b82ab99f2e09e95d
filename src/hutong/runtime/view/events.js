// @ts-check
/**
 * Pointer input turned into WeChat's touch events: touchstart/move/end/cancel as they happen, tap on
 * release (no more than 10 px of travel), longpress after 350 ms held still, which then suppresses
 * the tap. The frame sends an event to the logic thread only when some node on its path binds that
 * type (each element's `__ev`); the logic thread runs the capture and bubble phases itself.
 */

const TAP_SLOP = 10;
const LONGPRESS_MS = 350;

/** @type {(message: Record<string, any>) => void} */
let deliver = () => {};

/** The element's parent in the composed tree: slotted nodes go to their slot, shadow roots to their host. @param {any} node */
function up(node) {
  return node.assignedSlot || node.parentNode || node.host || null;
}

/** The nearest element the logic thread knows (it has an id), from where the input landed. @param {any} node */
function targetOf(node) {
  for (let n = node; n; n = up(n)) if (n.nodeType === 1 && n.__id !== undefined) return n;
  return null;
}

/** Does any element on the path bind `type`? @param {any} node @param {string} type */
function bound(node, type) {
  for (let n = node; n; n = up(n)) {
    const ev = n.__ev;
    if (ev && (ev === type || ev.split(',').includes(type))) return true;
  }
  return false;
}

/**
 * A touch as WeChat describes it; on a `<canvas>` also `x` and `y` from the canvas's top left corner.
 * @param {PointerEvent} event @param {any} target
 */
function touchOf(event, target) {
  /** @type {Record<string, number>} */
  const touch = {
    identifier: event.pointerId,
    pageX: event.pageX,
    pageY: event.pageY,
    clientX: event.clientX,
    clientY: event.clientY,
    force: event.pressure,
  };
  if (target && target.localName === 'wx-canvas') {
    const box = target.getBoundingClientRect();
    touch.x = event.clientX - box.left;
    touch.y = event.clientY - box.top;
  }
  return touch;
}

/**
 * @typedef {{target: any, x: number, y: number, timer: number, tap: boolean, longpressed: boolean, touch: any,
 *   hover: {el: Element, classes: string[], timer: number}[]}} Press
 */

/**
 * `hover-class`: pressed elements take the class after `hover-start-time` (50 ms) and keep it for
 * `hover-stay-time` (400 ms) after release; `hover-stop-propagation` keeps ancestors out of it.
 * @param {any} start
 */
function startHover(start) {
  /** @type {{el: Element, classes: string[], timer: number}[]} */
  const hovered = [];
  for (let n = start; n; n = up(n)) {
    if (n.nodeType !== 1) continue;
    const value = n.getAttribute('hover-class');
    if (value && value !== 'none') {
      const classes = value.split(/\s+/).filter(Boolean);
      const delay = Number(n.getAttribute('hover-start-time') ?? 50);
      const entry = { el: n, classes, timer: 0 };
      entry.timer = window.setTimeout(() => n.classList.add(...classes), Number.isFinite(delay) ? delay : 50);
      hovered.push(entry);
    }
    if (n.hasAttribute('hover-stop-propagation')) break;
  }
  return hovered;
}

/** @param {{el: Element, classes: string[], timer: number}[]} hovered @param {boolean} now */
function endHover(hovered, now) {
  for (const { el, classes, timer } of hovered) {
    clearTimeout(timer);
    const stay = now ? 0 : Number(el.getAttribute('hover-stay-time') ?? 400);
    window.setTimeout(() => el.classList.remove(...classes), Number.isFinite(stay) ? stay : 400);
  }
}
/** @type {Map<number, Press>} */
const presses = new Map();

/** @param {string} type @param {any} target @param {Event} event @param {Record<string, any>} extra */
function send(type, target, event, extra) {
  deliver({ t: 'event', type, target: target.__id, timeStamp: Math.round(event.timeStamp), ...extra });
}

/** @param {string} type @param {PointerEvent} event @param {Press} press */
function sendTouch(type, event, press) {
  if (!bound(press.target, type)) return;
  const touches = Array.from(presses.values(), (p) => p.touch);
  send(type, press.target, event, {
    detail: { x: event.pageX, y: event.pageY },
    touches: type === 'touchend' || type === 'touchcancel' ? touches.filter((t) => t.identifier !== event.pointerId) : touches,
    changedTouches: [touchOf(event, press.target)],
  });
}

/** @param {PointerEvent} event */
function onDown(event) {
  const target = targetOf(event.composedPath()[0]);
  if (!target) return;
  /** @type {Press} */
  const press = {
    target,
    x: event.clientX,
    y: event.clientY,
    timer: 0,
    tap: true,
    longpressed: false,
    touch: touchOf(event, target),
    hover: startHover(event.composedPath()[0]),
  };
  presses.set(event.pointerId, press);
  sendTouch('touchstart', event, press);
  if (bound(target, 'longpress') || bound(target, 'longtap')) {
    press.timer = window.setTimeout(() => {
      if (!press.tap) return;
      press.longpressed = true;
      const detail = { x: event.pageX, y: event.pageY };
      if (bound(target, 'longpress')) send('longpress', target, event, { detail, touches: [press.touch], changedTouches: [press.touch] });
      if (bound(target, 'longtap')) send('longtap', target, event, { detail, touches: [press.touch], changedTouches: [press.touch] });
    }, LONGPRESS_MS);
  }
}

/** @param {PointerEvent} event */
function onMove(event) {
  const press = presses.get(event.pointerId);
  if (!press) return;
  press.touch = touchOf(event, press.target);
  if (Math.abs(event.clientX - press.x) > TAP_SLOP || Math.abs(event.clientY - press.y) > TAP_SLOP) {
    press.tap = false;
    clearTimeout(press.timer);
    endHover(press.hover, true);
    press.hover = [];
  }
  sendTouch('touchmove', event, press);
}

/** @param {PointerEvent} event */
function onUp(event) {
  const press = presses.get(event.pointerId);
  if (!press) return;
  clearTimeout(press.timer);
  endHover(press.hover, false);
  press.touch = touchOf(event, press.target);
  sendTouch('touchend', event, press);
  presses.delete(event.pointerId);
  // A built-in may say what its tap means (a map: where on the earth; nothing on one of its markers).
  const own = typeof press.target.hutongTapDetail === 'function' ? press.target.hutongTapDetail(event) : undefined;
  if (press.tap && !press.longpressed && own !== null && bound(press.target, 'tap')) {
    send('tap', press.target, event, {
      detail: own || { x: event.pageX, y: event.pageY },
      touches: [],
      changedTouches: [press.touch],
    });
  }
  lastPointerTap = event.timeStamp;
}

/** @param {PointerEvent} event */
function onCancel(event) {
  const press = presses.get(event.pointerId);
  if (!press) return;
  clearTimeout(press.timer);
  endHover(press.hover, true);
  sendTouch('touchcancel', event, press);
  presses.delete(event.pointerId);
}

let lastPointerTap = -Infinity;

/** A click with no pointer before it (the keyboard's Enter or Space) is a tap too. @param {MouseEvent} event */
function onClick(event) {
  if (event.detail !== 0 || event.timeStamp - lastPointerTap < 1000) return;
  const target = targetOf(event.composedPath()[0]);
  if (target && bound(target, 'tap')) {
    send('tap', target, event, { detail: { x: event.pageX, y: event.pageY }, touches: [], changedTouches: [] });
  }
}

/**
 * Listen for input on the whole frame.
 * @param {(message: Record<string, any>) => void} to where the events go (the host's port)
 */
export function listen(to) {
  deliver = to;
  const options = { capture: true, passive: true };
  document.addEventListener('pointerdown', onDown, options);
  document.addEventListener('pointermove', onMove, options);
  document.addEventListener('pointerup', onUp, options);
  document.addEventListener('pointercancel', onCancel, options);
  document.addEventListener('click', onClick, options);
}

/**
 * A built-in component's own event (input, change, scroll, …): it does not bubble unless told to.
 * `fields` go on the event object itself (a map's regionchange has `type` "begin" or "end").
 * @param {Element} element @param {string} type @param {Record<string, any>} detail @param {boolean} [bubbles]
 * @param {Record<string, any>} [fields]
 */
export function emit(element, type, detail, bubbles = false, fields = undefined) {
  const target = targetOf(element);
  if (!target || !bound(target, type)) return;
  deliver({ t: 'event', type, target: target.__id, timeStamp: Math.round(performance.now()), detail, bubbles, ...(fields ? { fields } : {}) });
}
