// @ts-check
/**
 * `this.animate` in the page frame: WeChat's keyframes ({offset, ease, transformOrigin, translate,
 * rotate, scale, skew, matrix…, opacity, backgroundColor, width, height, top, left…}) become Web
 * Animations keyframes, played with `fill: forwards` so that the last frame stays until
 * clearAnimation removes it, as in WeChat. The ScrollTimeline form follows a scroll-view's offset.
 */
import { nodeById } from './vdom.js';

/** Transform functions, in WeChat's names; each keyframe composes them in the order it lists them. */
const TRANSFORMS = new Set(['matrix', 'matrix3d', 'rotate', 'rotate3d', 'rotateX', 'rotateY', 'rotateZ', 'scale', 'scale3d',
  'scaleX', 'scaleY', 'scaleZ', 'skew', 'skewX', 'skewY', 'translate', 'translate3d', 'translateX', 'translateY', 'translateZ']);
const UNITLESS = new Set(['matrix', 'matrix3d', 'scale', 'scale3d', 'scaleX', 'scaleY', 'scaleZ']);
const ANGLES = new Set(['rotate', 'rotateX', 'rotateY', 'rotateZ', 'skew', 'skewX', 'skewY']);
/** Style properties whose bare numbers are pixels. */
const LENGTHS = new Set(['width', 'height', 'top', 'left', 'right', 'bottom', 'margin', 'marginTop', 'marginLeft',
  'marginRight', 'marginBottom', 'padding', 'paddingTop', 'paddingLeft', 'paddingRight', 'paddingBottom', 'borderRadius',
  'borderWidth', 'fontSize', 'letterSpacing', 'lineHeight', 'minWidth', 'minHeight', 'maxWidth', 'maxHeight']);
const EASINGS = new Set(['linear', 'ease', 'ease-in', 'ease-out', 'ease-in-out', 'step-start', 'step-end']);

/** @param {any} value @param {string} suffix */
const unit = (value, suffix) => (typeof value === 'number' ? `${value}${suffix}` : String(value));

/** @param {string} name @param {any} value */
function transformOf(name, value) {
  const args = Array.isArray(value) ? value : [value];
  if (name === 'rotate3d') return `rotate3d(${args[0]}, ${args[1]}, ${args[2]}, ${unit(args[3], 'deg')})`;
  if (UNITLESS.has(name)) return `${name}(${args.join(', ')})`;
  const suffix = ANGLES.has(name) ? 'deg' : 'px';
  return `${name}(${args.map((a) => unit(a, suffix)).join(', ')})`;
}

/**
 * One WeChat keyframe as a Web Animations keyframe, leaving out the properties in `skip`.
 * @param {Record<string, any>} frame @param {Set<string>} [skip]
 */
export function toKeyframe(frame, skip = new Set()) {
  /** @type {Record<string, any>} */
  const out = {};
  const transforms = [];
  for (const [name, value] of Object.entries(frame || {})) {
    if (value === undefined || value === null || skip.has(name)) continue;
    if (name === 'offset') out.offset = Number(value);
    else if (name === 'ease') out.easing = EASINGS.has(value) || /^(cubic-bezier|steps)\(/.test(value) ? value : 'linear';
    else if (TRANSFORMS.has(name)) transforms.push(transformOf(name, value));
    else if (name === 'transformOrigin') out.transformOrigin = String(value);
    else out[name] = LENGTHS.has(name) ? unit(value, 'px') : String(value);
  }
  if (transforms.length) out.transform = transforms.join(' ');
  return out;
}

/** @typedef {{animation: Animation, keyframes: Record<string, any>[], options: KeyframeAnimationOptions}} Playing */
/** @type {WeakMap<Element, Playing[]>} what this.animate started on each element */
const playing = new WeakMap();

/** @param {number[]} ids */
function elements(ids) {
  return ids.map((id) => nodeById(id)).filter((n) => n && n.nodeType === 1).map((n) => /** @type {Element} */ (n));
}

/** @param {Element} el */
function scrollerOf(el) {
  return /** @type {any} */ (el).scroller instanceof Element ? /** @type {any} */ (el).scroller : el;
}

/**
 * Tie an animation to a scroll-view's offset: `start`…`end` pixels of scrolling play `timeRange` ms.
 * @param {Animation} animation @param {Record<string, any>} timeline
 */
function followScroll(animation, timeline) {
  const source = timeline.source ? nodeById(timeline.source) : null;
  const scroller = source && source.nodeType === 1 ? scrollerOf(/** @type {Element} */ (source)) : document.scrollingElement;
  if (!scroller) return;
  animation.pause();
  const update = () => {
    const offset = timeline.horizontal ? scroller.scrollLeft : scroller.scrollTop;
    const end = timeline.end > timeline.start ? timeline.end : timeline.start + 1;
    const progress = Math.min(1, Math.max(0, (offset - timeline.start) / (end - timeline.start)));
    animation.currentTime = progress * timeline.timeRange;
  };
  const target = scroller === document.scrollingElement ? window : scroller;
  target.addEventListener('scroll', update, { passive: true });
  animation.addEventListener('cancel', () => target.removeEventListener('scroll', update));
  update();
}

/**
 * Play keyframes on every element the selector matched; `done(aid)` once all have finished.
 * @param {{aid: number, ids: number[], keyframes: any[], duration: number, timeline: any}} message
 * @param {(aid: number) => void} done
 */
export function startAnimation(message, done) {
  const targets = elements(message.ids);
  const keyframes = (message.keyframes || []).map((/** @type {any} */ frame) => toKeyframe(frame));
  const timeRange = message.timeline ? Math.max(1, Number(message.timeline.timeRange) || 1) : 0;
  /** @type {KeyframeAnimationOptions} */
  const options = { duration: message.timeline ? timeRange : Math.max(0, message.duration), fill: 'forwards' };
  /** @type {Promise<unknown>[]} */
  const finished = [];
  for (const el of targets) {
    let animation;
    try {
      animation = el.animate(keyframes, options);
    } catch (error) {
      console.error(`animate: ${error instanceof Error ? error.message : error}`);
      continue;
    }
    const list = playing.get(el) || [];
    list.push({ animation, keyframes: message.keyframes || [], options });
    playing.set(el, list);
    if (message.timeline) followScroll(animation, { ...message.timeline, timeRange });
    else finished.push(animation.finished.catch(() => undefined));
  }
  if (!message.timeline) Promise.all(finished).then(() => done(message.aid));
}

/**
 * clearAnimation: stop what this.animate started, or only the named properties of it.
 * @param {{aid: number, ids: number[], props: string[] | null}} message @param {(aid: number) => void} done
 */
export function clearAnimation(message, done) {
  for (const el of elements(message.ids)) {
    const list = playing.get(el) || [];
    const kept = [];
    for (const entry of list) {
      if (!message.props) {
        entry.animation.cancel();
        continue;
      }
      const skip = new Set(message.props);
      const keyframes = entry.keyframes.map((frame) => toKeyframe(frame, skip));
      const remains = keyframes.some((frame) => Object.keys(frame).some((k) => k !== 'offset' && k !== 'easing'));
      if (!remains) {
        entry.animation.cancel();
        continue;
      }
      /** @type {KeyframeEffect} */ (entry.animation.effect).setKeyframes(keyframes);
      kept.push(entry);
    }
    playing.set(el, kept);
  }
  done(message.aid);
}
