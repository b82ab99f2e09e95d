// @ts-check
/**
 * `<form>`, `<label>` and `<button>`: a submit button gathers every named field's value into the form's
 * `submit` event (`detail.value`, as WeChat), reset clears them; a label passes its tap to the control
 * it names (`for`) or wraps; a button with an open type asks the logic thread (logic/builtins.js).
 */
import { emit } from '../events.js';
import { closest, datasetOf, define, flag, toLogic } from './base.js';

const FIELDS = 'wx-input, wx-textarea, wx-checkbox-group, wx-radio-group, wx-switch, wx-slider, wx-picker, wx-picker-view';

/** Named fields inside `root`, across custom components' shadow roots. @param {Element | ShadowRoot} root @param {any[]} out */
function fieldsIn(root, out = []) {
  for (const el of root.querySelectorAll('*')) {
    if (el.matches(FIELDS)) out.push(el);
    if (el.shadowRoot && !el.localName.startsWith('wx-')) fieldsIn(el.shadowRoot, out);
  }
  return out;
}

class Form extends HTMLElement {
  /** @param {Element | null} button */
  submit(button) {
    /** @type {Record<string, any>} */
    const value = {};
    for (const field of fieldsIn(this)) {
      const name = field.getAttribute('name');
      if (name && typeof field.hutongValue === 'function') value[name] = field.hutongValue();
    }
    emit(this, 'submit', { value, target: button ? { id: button.id, dataset: datasetOf(button) } : undefined });
  }

  reset() {
    for (const field of fieldsIn(this)) if (typeof field.hutongReset === 'function') field.hutongReset();
    emit(this, 'reset', {});
  }
}
define('wx-form', Form);

const LABELLED = 'wx-checkbox, wx-radio, wx-switch, wx-input, wx-textarea, wx-button';

class Label extends HTMLElement {
  constructor() {
    super();
    this.addEventListener('click', (event) => {
      const path = event.composedPath();
      // A tap on a control itself is that control's own: the label adds nothing.
      if (path.some((n) => n instanceof Element && n !== this && n.matches(LABELLED))) return;
      const forId = this.getAttribute('for');
      /** @type {any} */
      const root = this.getRootNode();
      const target = forId ? root.getElementById?.(forId) || root.querySelector?.(`#${CSS.escape(forId)}`) : this.querySelector(LABELLED);
      if (!target) return;
      if (typeof target.hutongActivate === 'function') target.hutongActivate();
      else target.click?.();
    });
  }
}
define('wx-label', Label);

const SPINNER = `<svg class="spin" viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true"><circle cx="12" cy="12" r="9"
  fill="none" stroke="currentColor" stroke-width="3" stroke-dasharray="42 20" stroke-linecap="round"/></svg>`;

class Button extends HTMLElement {
  static get observedAttributes() {
    return ['loading'];
  }

  constructor() {
    super();
    this.addEventListener('click', () => this.activate());
  }

  connectedCallback() {
    // WeChat's default hover-class for buttons (hover-class="none" turns it off).
    if (!this.hasAttribute('hover-class')) this.setAttribute('hover-class', 'button-hover');
    if (!this.hasAttribute('role')) this.setAttribute('role', 'button');
  }

  attributeChangedCallback() {
    const loading = flag(this, 'loading');
    const existing = this.querySelector(':scope > .hutong-loading');
    if (loading && !existing) this.insertAdjacentHTML('afterbegin', `<span class="hutong-loading">${SPINNER}</span>`);
    else if (!loading && existing) existing.remove();
  }

  hutongActivate() {
    this.activate();
  }

  activate() {
    if (flag(this, 'disabled')) return;
    const formType = this.getAttribute('form-type');
    if (formType === 'submit' || formType === 'reset') {
      const form = closest(this, 'wx-form');
      if (form) {
        if (formType === 'submit') form.submit(this);
        else form.reset();
      }
    }
    const openType = this.getAttribute('open-type');
    if (!openType) return;
    // The contact button's attributes say what the host's customer service session offers.
    const attrs = openType === 'contact'
      ? {
          sessionFrom: this.getAttribute('session-from') || '',
          sendMessageTitle: this.getAttribute('send-message-title') || '',
          sendMessagePath: this.getAttribute('send-message-path') || '',
          sendMessageImg: this.getAttribute('send-message-img') || '',
          showMessageCard: flag(this, 'show-message-card'),
        }
      : {};
    toLogic(this, { action: 'open-type', openType, attrs });
  }
}
define('wx-button', Button);
