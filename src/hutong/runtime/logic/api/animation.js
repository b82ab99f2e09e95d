// @ts-check
/**
 * wx.createAnimation: an Animation object whose `export()` is the data WeChat's `animation` attribute
 * takes: `{actions: [{animates: [{type, args}], option: {transition, transformOrigin}}]}`. The frame
 * plays it (view/animation.js) step after step with CSS transitions.
 */

/** @param {number | string} value */
const px = (value) => (typeof value === 'number' ? `${value}px` : String(value));

/** @param {Record<string, any>} [defaults] */
export function createAnimation(defaults = {}) {
  /** @type {{type: string, args: any[]}[]} */
  let current = [];
  /** @type {Record<string, any>} */
  const animation = {
    actions: /** @type {any[]} */ ([]),
    // WeChat's defaults for the next step live here, and apps change them in place
    // (`animation.option.transition.duration = 0` before a reset step).
    option: {
      transition: {
        duration: defaults.duration ?? 400,
        timingFunction: defaults.timingFunction ?? 'linear',
        delay: defaults.delay ?? 0,
      },
      transformOrigin: defaults.transformOrigin ?? '50% 50% 0',
    },
    /** @param {Record<string, any>} [options] */
    step(options = {}) {
      const { transition, transformOrigin } = animation.option;
      animation.actions.push({
        animates: current,
        option: {
          transformOrigin: options.transformOrigin ?? transformOrigin,
          transition: {
            duration: options.duration ?? transition.duration,
            timingFunction: options.timingFunction ?? transition.timingFunction,
            delay: options.delay ?? transition.delay,
          },
        },
      });
      current = [];
      return animation;
    },
    export() {
      const out = { actions: animation.actions };
      animation.actions = [];
      return out;
    },
  };
  /** @param {string} type @param {(...args: any[]) => any[]} [norm] */
  const op = (type, norm = (...a) => a) => {
    animation[type] = (/** @type {any[]} */ ...args) => {
      current.push({ type, args: norm(...args) });
      return animation;
    };
  };
  for (const name of ['rotate', 'rotateX', 'rotateY', 'rotateZ', 'skewX', 'skewY', 'scaleX', 'scaleY', 'scaleZ', 'translateX', 'translateY', 'translateZ']) op(name);
  op('scale', (x = 1, y = x) => [x, y]);
  op('scale3d', (x = 1, y = 1, z = 1) => [x, y, z]);
  op('rotate3d', (x = 0, y = 0, z = 0, a = 0) => [x, y, z, a]);
  op('translate', (x = 0, y = 0) => [x, y]);
  op('translate3d', (x = 0, y = 0, z = 0) => [x, y, z]);
  op('skew', (x = 0, y = 0) => [x, y]);
  op('matrix');
  op('matrix3d');
  for (const style of ['opacity', 'backgroundColor', 'width', 'height', 'left', 'right', 'top', 'bottom']) {
    animation[style] = (/** @type {any} */ value) => {
      current.push({ type: 'style', args: [style, typeof value === 'number' && style !== 'opacity' ? px(value) : value] });
      return animation;
    };
  }
  return animation;
}
