// @ts-check
/**
 * `<editor>`: the page frame's own contenteditable, with what goes in and comes out sanitised to the
 * tags and inline styles WeChat's editor keeps (its documentation's lists; `<div>` becomes `<p>`, no
 * class or id). EditorContext calls arrive as `hutongCall` (logic/api/editor.js); formatting uses the
 * browser's editing commands on the selection the editor last had, so undo and redo are the browser's.
 */
import { emit } from '../events.js';
import { Builtin, define, flag, resolveAsset } from './base.js';

const INLINE = new Set(['span', 'strong', 'b', 'ins', 'em', 'i', 'u', 'a', 'del', 's', 'sub', 'sup', 'img', 'br']);
const BLOCK = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'ol', 'ul', 'li']);
const RENAME = /** @type {Record<string, string>} */ ({ div: 'p', b: 'strong', i: 'em', strike: 's', font: 'span' });
const BLOCK_STYLES = new Set(['text-align', 'direction', 'margin', 'margin-top', 'margin-left', 'margin-right', 'margin-bottom',
  'padding', 'padding-top', 'padding-left', 'padding-right', 'padding-bottom', 'line-height', 'text-indent']);
const INLINE_STYLES = new Set(['font', 'font-size', 'font-style', 'font-variant', 'font-weight', 'font-family', 'letter-spacing',
  'text-decoration', 'color', 'background-color']);
/** Content dropped with its element, not unwrapped. */
const DROP = new Set(['script', 'style', 'template', 'iframe', 'object', 'embed', 'svg', 'math', 'noscript', 'head', 'title', 'meta', 'link']);

/** Only what WeChat's editor keeps. @param {Element} from @param {Document} doc @returns {Node[]} */
function clean(from, doc) {
  /** @type {Node[]} */
  const out = [];
  for (const child of Array.from(from.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) {
      out.push(doc.createTextNode(child.textContent || ''));
      continue;
    }
    if (child.nodeType !== Node.ELEMENT_NODE) continue;
    const el = /** @type {Element} */ (child);
    const source = el.localName;
    if (DROP.has(source)) continue;
    const tag = RENAME[source] || source;
    const inner = clean(el, doc);
    if (!INLINE.has(tag) && !BLOCK.has(tag)) {
      out.push(...inner);
      continue;
    }
    const copy = doc.createElement(tag);
    const styles = BLOCK.has(tag) ? BLOCK_STYLES : INLINE_STYLES;
    const style = /** @type {HTMLElement} */ (el).style;
    const kept = [];
    for (let i = 0; style && i < style.length; i++) {
      const name = style[i];
      if (styles.has(name)) kept.push(`${name}: ${style.getPropertyValue(name)}`);
    }
    if (source === 'font' && el.getAttribute('color')) kept.push(`color: ${el.getAttribute('color')}`);
    if (kept.length) copy.setAttribute('style', kept.join('; '));
    if (tag === 'a') {
      const href = el.getAttribute('href') || '';
      if (/^(https?:|mailto:|tel:)/i.test(href)) copy.setAttribute('href', href);
    }
    if (tag === 'img') {
      for (const name of ['src', 'width', 'height', 'alt']) {
        const value = el.getAttribute(name);
        if (value !== null && !(name === 'src' && /^\s*javascript:/i.test(value))) copy.setAttribute(name, value);
      }
      for (const attr of Array.from(el.attributes)) if (attr.name.startsWith('data-')) copy.setAttribute(attr.name, attr.value);
    }
    copy.append(...inner);
    out.push(copy);
  }
  return out;
}

/** `html` as WeChat's editor would keep it: inline runs at the top level go into paragraphs. @param {string} html */
export function sanitize(html) {
  const doc = document.implementation.createHTMLDocument('');
  const holder = doc.createElement('div');
  holder.innerHTML = html;
  const body = doc.createElement('div');
  /** @type {Element | null} */
  let paragraph = null;
  for (const node of clean(holder, doc)) {
    const block = node.nodeType === Node.ELEMENT_NODE && BLOCK.has(/** @type {Element} */ (node).localName) && /** @type {Element} */ (node).localName !== 'li';
    if (block) {
      paragraph = null;
      body.appendChild(node);
    } else {
      if (!paragraph) body.appendChild((paragraph = doc.createElement('p')));
      paragraph.appendChild(node);
    }
  }
  for (const p of Array.from(body.querySelectorAll('p, h1, h2, h3, h4, h5, h6, li'))) if (!p.childNodes.length) p.appendChild(doc.createElement('br'));
  return body.innerHTML || '<p><br></p>';
}

/** Quill's delta for the editor's content: text runs with their inline formats, a "\n" per block with its own. @param {Element} root */
function deltaOf(root) {
  /** @type {{insert: any, attributes?: Record<string, any>}[]} */
  const ops = [];
  /** @param {any} insert @param {Record<string, any>} attributes */
  const push = (insert, attributes) => {
    const attrs = Object.keys(attributes).length ? { attributes: { ...attributes } } : {};
    const last = ops[ops.length - 1];
    if (typeof insert === 'string' && last && typeof last.insert === 'string' && JSON.stringify(last.attributes || {}) === JSON.stringify(attrs.attributes || {})) last.insert += insert;
    else ops.push({ insert, ...attrs });
  };
  /** @param {Node} node @param {Record<string, any>} formats */
  const inline = (node, formats) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE) {
        if (child.textContent) push(child.textContent, formats);
        continue;
      }
      if (child.nodeType !== Node.ELEMENT_NODE) continue;
      const el = /** @type {HTMLElement} */ (child);
      const tag = el.localName;
      if (tag === 'img') {
        push({ image: el.getAttribute('src') || '' }, { ...(el.getAttribute('width') ? { width: el.getAttribute('width') } : {}), ...(el.getAttribute('height') ? { height: el.getAttribute('height') } : {}) });
        continue;
      }
      if (tag === 'br') continue;
      const next = { ...formats };
      if (tag === 'strong' || tag === 'b') next.bold = true;
      if (tag === 'em' || tag === 'i') next.italic = true;
      if (tag === 'u') next.underline = true;
      if (tag === 's' || tag === 'del' || tag === 'strike') next.strike = true;
      if (tag === 'ins') next.ins = true;
      if (tag === 'sub') next.script = 'sub';
      if (tag === 'sup') next.script = 'super';
      if (tag === 'a') next.link = el.getAttribute('href') || '';
      if (el.style?.color) next.color = el.style.color;
      if (el.style?.backgroundColor) next.backgroundColor = el.style.backgroundColor;
      if (el.style?.fontSize) next.fontSize = el.style.fontSize;
      if (el.style?.fontWeight) next.fontWeight = el.style.fontWeight;
      if (el.style?.fontFamily) next.fontFamily = el.style.fontFamily;
      inline(el, next);
    }
  };
  /** @param {Element} block @param {Record<string, any>} formats */
  const blockOf = (block, formats) => {
    const tag = block.localName;
    if (tag === 'ol' || tag === 'ul') {
      for (const li of Array.from(block.children)) blockOf(li, { list: tag === 'ol' ? 'ordered' : 'bullet' });
      return;
    }
    if (tag === 'hr') {
      push({ divider: true }, {});
      push('\n', {});
      return;
    }
    inline(block, {});
    const attributes = { ...formats };
    if (/^h[1-6]$/.test(tag)) attributes.header = Number(tag[1]);
    const align = /** @type {HTMLElement} */ (block).style?.textAlign;
    if (align) attributes.align = align;
    push('\n', attributes);
  };
  for (const block of Array.from(root.children)) blockOf(block, {});
  if (!ops.length) ops.push({ insert: '\n' });
  return { ops };
}

const CSS = `
:host { display: block; position: relative; min-height: 200px; height: 200px; overflow: auto; box-sizing: border-box;
  font-size: 16px; line-height: 1.5; cursor: text; }
.ql-editor { outline: none; min-height: 100%; white-space: pre-wrap; word-wrap: break-word; }
.ql-editor p, .ql-editor h1, .ql-editor h2, .ql-editor h3 { margin: 0; }
.ql-editor img { max-width: 100%; }
.placeholder { position: absolute; left: 0; top: 0; color: #999; pointer-events: none; }
`;

class Editor extends Builtin {
  static observed = ['read-only', 'placeholder'];
  /** @type {HTMLElement} */
  box;
  /** @type {HTMLElement} */
  hint;
  /** @type {Range | null} the selection the editor last had (a tap on a toolbar takes the focus away) */
  range = null;
  readySent = false;

  constructor() {
    super();
    const root = this.shadow(CSS, '<div class="placeholder"></div><div class="ql-container"><div class="ql-editor" contenteditable="true"><p><br></p></div></div>');
    this.box = /** @type {HTMLElement} */ (root.querySelector('.ql-editor'));
    this.hint = /** @type {HTMLElement} */ (root.querySelector('.placeholder'));
    this.box.addEventListener('focus', () => emit(this, 'focus', this.contents()));
    this.box.addEventListener('blur', () => emit(this, 'blur', this.contents()));
    this.box.addEventListener('input', () => {
      this.showHint();
      emit(this, 'input', this.contents());
    });
    this.box.addEventListener('paste', (event) => {
      // Pasted HTML keeps only what the editor allows.
      const html = event.clipboardData?.getData('text/html');
      if (!html) return;
      event.preventDefault();
      document.execCommand('insertHTML', false, sanitize(html));
    });
    document.addEventListener('selectionchange', () => {
      const selection = this.selection();
      if (selection && selection.rangeCount && this.box.contains(selection.getRangeAt(0).startContainer)) this.range = selection.getRangeAt(0).cloneRange();
    });
  }

  /** @returns {Selection | null} */
  selection() {
    const root = /** @type {any} */ (this.shadowRoot);
    return typeof root?.getSelection === 'function' ? root.getSelection() : document.getSelection();
  }

  render() {
    this.box.contentEditable = flag(this, 'read-only') ? 'false' : 'true';
    this.hint.textContent = this.getAttribute('placeholder') || '';
    this.showHint();
    if (!this.readySent) {
      this.readySent = true;
      // After the page's first render, as WeChat's editor is ready once it is drawn.
      requestAnimationFrame(() => emit(this, 'ready', {}));
    }
  }

  showHint() {
    this.hint.style.display = this.box.textContent || this.box.querySelector('img, hr') ? 'none' : '';
  }

  contents() {
    return { html: sanitize(this.box.innerHTML), text: `${this.box.innerText.replace(/\n$/, '')}\n`, delta: deltaOf(this.box) };
  }

  /** Put the caret back where the editor last had it, and run `command`. @param {string} command @param {string} [value] */
  exec(command, value) {
    this.box.focus();
    const selection = this.selection();
    if (this.range && selection) {
      selection.removeAllRanges();
      selection.addRange(this.range);
    } else if (selection && !this.box.contains(selection.anchorNode)) {
      const end = document.createRange();
      end.selectNodeContents(this.box);
      end.collapse(false);
      selection.removeAllRanges();
      selection.addRange(end);
    }
    document.execCommand(command, false, value);
  }

  /** The whole content as the range the next command works on (setContents, clear: undoable). */
  selectAll() {
    const all = document.createRange();
    all.selectNodeContents(this.box);
    this.range = all;
  }

  /** What the selection has (statuschange's detail). */
  status() {
    /** @type {Record<string, any>} */
    const formats = {};
    for (const [name, command] of [['bold', 'bold'], ['italic', 'italic'], ['underline', 'underline'], ['strike', 'strikeThrough']]) {
      if (document.queryCommandState(command)) formats[name] = true;
    }
    let node = this.selection()?.anchorNode || null;
    if (node && node.nodeType !== 1) node = node.parentNode;
    for (let el = /** @type {HTMLElement | null} */ (node); el && el !== this.box; el = el.parentElement) {
      const tag = el.localName;
      if (/^h[1-6]$/.test(tag)) formats.header ??= Number(tag[1]);
      if (tag === 'li') formats.list ??= el.parentElement?.localName === 'ol' ? 'ordered' : 'bullet';
      if (tag === 'sub' || tag === 'sup') formats.script ??= tag === 'sub' ? 'sub' : 'super';
      if (el.style.textAlign) formats.align ??= el.style.textAlign;
      if (el.style.color) formats.color ??= el.style.color;
      if (el.style.backgroundColor) formats.backgroundColor ??= el.style.backgroundColor;
      if (el.style.fontSize) formats.fontSize ??= el.style.fontSize;
      if (el.getAttribute('color')) formats.color ??= el.getAttribute('color');
    }
    return formats;
  }

  /** WeChat's format(name, value). @param {string} name @param {any} value */
  format(name, value) {
    const on = value !== false && value !== '' && value !== null;
    const toggles = /** @type {Record<string, string>} */ ({ bold: 'bold', italic: 'italic', underline: 'underline', strike: 'strikeThrough' });
    if (toggles[name]) {
      if (document.queryCommandState(toggles[name]) !== on || value === undefined) this.exec(toggles[name]);
    } else if (name === 'script') this.exec(value === 'sub' ? 'subscript' : 'superscript');
    else if (name === 'header') this.exec('formatBlock', on ? `h${String(value).replace(/^h/i, '') || 1}` : 'p');
    else if (name === 'align') this.exec({ center: 'justifyCenter', right: 'justifyRight', justify: 'justifyFull' }[String(value)] || 'justifyLeft');
    else if (name === 'list') this.exec(value === 'ordered' ? 'insertOrderedList' : 'insertUnorderedList');
    else if (name === 'indent') this.exec(String(value) === '-1' ? 'outdent' : 'indent');
    else if (name === 'color') this.exec('foreColor', String(value));
    else if (name === 'backgroundColor') this.exec('hiliteColor', String(value));
    else if (name === 'ins') this.wrap('ins', '');
    else if (INLINE_STYLES.has(name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))) this.wrap('span', `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${value}`);
    else if (BLOCK_STYLES.has(name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))) this.blockStyle(name, String(value));
    emit(this, 'statuschange', this.status());
  }

  /** The selected text in an inline element with `style`. @param {string} tag @param {string} style */
  wrap(tag, style) {
    const text = this.range ? this.range.toString() : '';
    if (!text) return;
    const el = document.createElement(tag);
    if (style) el.setAttribute('style', style);
    el.textContent = text;
    this.exec('insertHTML', el.outerHTML);
  }

  /** @param {string} name @param {string} value */
  blockStyle(name, value) {
    let node = this.range?.startContainer || null;
    while (node && node.parentNode !== this.box) node = node.parentNode;
    if (node instanceof HTMLElement) /** @type {any} */ (node.style)[name] = value;
  }

  /** EditorContext (logic/api/editor.js). @param {string} method @param {any[]} args */
  hutongCall(method, args) {
    const o = args[0] || {};
    switch (method) {
      case 'format':
        this.format(String(args[0]), args[1]);
        return {};
      case 'insertText':
        this.exec('insertText', String(o.text ?? ''));
        return {};
      case 'insertImage': {
        const img = document.createElement('img');
        img.setAttribute('src', resolveAsset(this, String(o.src || '')));
        for (const name of ['width', 'height', 'alt']) if (o[name] !== undefined) img.setAttribute(name, String(o[name]));
        for (const [key, value] of Object.entries(o.data || {})) img.setAttribute(`data-${key}`, String(value));
        this.exec('insertHTML', img.outerHTML);
        return {};
      }
      case 'insertDivider':
        this.exec('insertHorizontalRule');
        return {};
      case 'setContents': {
        const html = o.html !== undefined ? sanitize(String(o.html)) : sanitize('');
        this.selectAll();
        this.exec('insertHTML', html);
        if (this.box.innerHTML.trim() === '') this.box.innerHTML = '<p><br></p>';
        this.showHint();
        return {};
      }
      case 'getContents':
        return this.contents();
      case 'getSelectionText':
        return { text: this.range ? this.range.toString() : '' };
      case 'clear':
        this.selectAll();
        this.exec('delete');
        // An empty editor is one plain paragraph, as WeChat's (the browser keeps the last block's kind).
        if (!this.box.textContent && !this.box.querySelector('img, hr')) document.execCommand('formatBlock', false, 'p');
        this.showHint();
        return {};
      case 'removeFormat':
        this.exec('removeFormat');
        emit(this, 'statuschange', this.status());
        return {};
      case 'undo':
      case 'redo':
        this.box.focus();
        document.execCommand(method);
        return {};
      case 'blur':
        this.box.blur();
        return {};
      case 'scrollIntoView':
        this.range?.startContainer.parentElement?.scrollIntoView({ block: 'nearest' });
        return {};
      default:
        throw new Error('not supported');
    }
  }
}
define('wx-editor', Editor);
