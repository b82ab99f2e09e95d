// @ts-check
/**
 * The `animation` attribute: plays what wx.createAnimation().export() made (logic/api/animation.js),
 * step after step, with CSS transitions on the element. Each step sets the transform its own
 * operations describe and the styles it names.
 */

const UNITLESS = new Set(['scale', 'scaleX', 'scaleY', 'scaleZ', 'scale3d', 'matrix', 'matrix3d']);
const ANGLES = new Set(['rotate', 'rotateX', 'rotateY', 'rotateZ', 'skew', 'skewX', 'skewY']);

/** @param {string} type @param {any[]} args */
function transformOf(type, args) {
  if (type === 'rotate3d') return `rotate3d(${args[0]}, ${args[1]}, ${args[2]}, ${unit(args[3], 'deg')})`;
  if (UNITLESS.has(type)) return `${type}(${args.join(', ')})`;
  const suffix = ANGLES.has(type) ? 'deg' : 'px';
  return `${type}(${args.map((a) => unit(a, suffix)).join(', ')})`;
}

/** @param {any} value @param {string} suffix */
const unit = (value, suffix) => (typeof value === 'number' ? `${value}${suffix}` : String(value));

/** @type {WeakMap<HTMLElement, any[]>} timers of the animation an element is playing */
const playing = new WeakMap();

/**
 * Play animation data on an element; a new one replaces what is still playing.
 * @param {HTMLElement} el @param {any} data
 */
export function playAnimation(el, data) {
  for (const timer of playing.get(el) || []) clearTimeout(timer);
  const actions = Array.isArray(data?.actions) ? data.actions : [];
  if (!actions.length) return;
  /** @type {any[]} */
  const timers = [];
  playing.set(el, timers);
  let at = 16; // after the element's current style has been drawn, so the first step transitions
  for (const action of actions) {
    const transition = action.option?.transition || {};
    const duration = Number(transition.duration) || 0;
    const delay = Number(transition.delay) || 0;
    timers.push(
      setTimeout(() => {
        /** @type {string[]} */
        const transforms = [];
        /** @type {Record<string, string>} */
        const styles = {};
        for (const animate of action.animates || []) {
          if (animate.type === 'style') styles[animate.args[0]] = String(animate.args[1]);
          else transforms.push(transformOf(animate.type, animate.args || []));
        }
        const properties = [...(transforms.length ? ['transform'] : []), ...Object.keys(styles).map((p) => p.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))];
        el.style.transition = properties.map((p) => `${p} ${duration}ms ${transition.timingFunction || 'linear'} ${delay}ms`).join(', ');
        el.style.transformOrigin = action.option?.transformOrigin || '50% 50% 0';
        if (transforms.length) el.style.transform = transforms.join(' ');
        Object.assign(el.style, styles);
      }, at),
    );
    at += duration + delay;
  }
}
