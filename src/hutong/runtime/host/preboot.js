// @ts-check
/**
 * Frames booted before the tap, as WeChat keeps its engine and a blank page ready: one logic sandbox
 * (its worker up, the runtime loaded, no app code) and one blank page frame, idle in a hidden holder.
 * Opening a mini program takes them (MiniProgram.bootWorker, prepareFrame), so it only loads its own
 * bundles. The shell's HTML already holds the first pair (`#hutong-preboot`), so they boot while the
 * shell's own code loads; `refill()` boots the next pair when the home screen shows again.
 *
 * Nothing here widens what a frame can do: they are the same sandboxed, opaque-origin frames with the
 * same policies, only started earlier. A booted logic frame has its worker's port and nothing else; a
 * page frame has no port at all until MiniProgram.connectFrame gives it one with its page.
 */

const RUNTIME_BASE = new URL('../', import.meta.url).href;

/** @typedef {{frame: HTMLIFrameElement, port: MessagePort, end: MessagePort | null, booted: boolean}} LogicFrame */
/** @typedef {{frame: HTMLIFrameElement, booted: boolean}} PageFrame */

class Preboot {
  constructor() {
    /** @type {LogicFrame | null} */
    this.logic = null;
    /** @type {PageFrame | null} */
    this.page = null;
    /** @type {HTMLElement | null} */
    this.holder = null;
    window.addEventListener('message', (event) => this.onMessage(event));
    const holder = document.getElementById('hutong-preboot');
    if (holder) {
      this.holder = holder;
      for (const frame of holder.querySelectorAll('iframe')) {
        if (frame.classList.contains('hutong-logic')) this.logic ??= this.logicEntry(/** @type {HTMLIFrameElement} */ (frame));
        else this.page ??= { frame: /** @type {HTMLIFrameElement} */ (frame), booted: false };
      }
      // Either may have announced itself before this module ran: ask again (each answers while idle).
      this.logic?.frame.contentWindow?.postMessage({ t: 'logic:hello' }, '*');
      this.page?.frame.contentWindow?.postMessage({ t: 'hello' }, '*');
    }
  }

  /** Both frames booted and waiting (the benchmark waits for this before it taps). */
  get ready() {
    return Boolean(this.logic?.booted && this.page?.booted);
  }

  /** @param {HTMLIFrameElement} frame @returns {LogicFrame} */
  logicEntry(frame) {
    const channel = new MessageChannel();
    /** @type {LogicFrame} */
    const entry = { frame, port: channel.port1, end: channel.port2, booted: false };
    // Until an app takes it, the worker's only word is that its runtime is loaded.
    entry.port.onmessage = (event) => {
      if (event.data?.t === 'booted') entry.booted = true;
    };
    return entry;
  }

  /** @param {MessageEvent} event */
  onMessage(event) {
    const logic = this.logic;
    if (logic && event.source === logic.frame.contentWindow) {
      if (event.data?.t === 'logic:sandbox' && logic.end) {
        logic.frame.contentWindow?.postMessage({ t: 'logic:port' }, '*', [logic.end]);
        logic.end = null;
      } else if (event.data?.t === 'logic:error') {
        logic.frame.remove();
        this.logic = null;
      }
      return;
    }
    if (this.page && event.source === this.page.frame.contentWindow && event.data?.t === 'frame:booted') this.page.booted = true;
  }

  /** The booted logic frame, for an app to keep; null if none is ready to hand. @returns {LogicFrame | null} */
  takeLogic() {
    const logic = this.logic;
    this.logic = null;
    // Not announced yet: the taker hears the announcement (and hands the port) itself.
    if (logic?.end) logic.frame.contentWindow?.postMessage({ t: 'logic:hello' }, '*');
    return logic;
  }

  /**
   * The blank page frame, moved into `container` without reloading it (moveBefore keeps a frame's
   * document where removing and inserting it would start it over); null where that cannot be done.
   * @param {HTMLElement} container @returns {PageFrame | null}
   */
  takePage(container) {
    const page = this.page;
    if (!page || !('moveBefore' in container)) return null;
    this.page = null;
    /** @type {any} */ (container).moveBefore(page.frame, null);
    if (!page.booted) page.frame.contentWindow?.postMessage({ t: 'hello' }, '*');
    return page;
  }

  /** Boot whatever was taken, for the next app. */
  refill() {
    if (!this.holder?.isConnected) {
      this.holder = document.createElement('div');
      this.holder.id = 'hutong-preboot';
      this.holder.hidden = true;
      document.body.appendChild(this.holder);
    }
    if (!this.logic) {
      const frame = frame_(`${RUNTIME_BASE}logic/sandbox.html`, 'hutong-logic');
      this.logic = this.logicEntry(frame);
      this.holder.appendChild(frame);
    }
    if (!this.page) {
      const frame = frame_(`${RUNTIME_BASE}view/view.html`, 'hutong-spare');
      this.page = { frame, booted: false };
      this.holder.appendChild(frame);
    }
  }
}

/** @param {string} src @param {string} className */
function frame_(src, className) {
  const frame = document.createElement('iframe');
  frame.className = className;
  frame.hidden = true;
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.setAttribute('aria-hidden', 'true');
  frame.src = src;
  return frame;
}

// One per document, whichever copy of this module (versioned or not) asks first.
const KEY = Symbol.for('hutong.preboot');
/** @type {any} */
const scope = window;
/** @type {Preboot} */
export const preboot = (scope[KEY] ??= new Preboot());
