// @ts-check
/**
 * EditorContext, as WeChat hands it out: `wx.createSelectorQuery().select('#editor').context(cb)`
 * gives `{context}` for an `<editor>` (logic/query.js). Each method asks the element in the page frame
 * (view/components/editor.js `hutongCall`) and answers the WeChat way.
 */
import { setContextFactory } from '../query.js';
import { askElement } from './canvas.js';
import { answerLater } from './shape.js';

const METHODS = ['blur', 'clear', 'getContents', 'getSelectionText', 'insertDivider', 'insertImage', 'insertText', 'redo',
  'removeFormat', 'scrollIntoView', 'setContents', 'undo'];

class EditorContext {
  /** @param {number} pageId @param {number} nodeId */
  constructor(pageId, nodeId) {
    this.pageId = pageId;
    this.nodeId = nodeId;
  }

  /** Format the selection (bold, header, list, color, fontSize, …); no callbacks, as in WeChat. @param {string} name @param {any} [value] */
  format(name, value) {
    askElement(this.pageId, this.nodeId, 'format', [String(name), value]).catch(() => {});
  }
}

for (const method of METHODS) {
  Object.defineProperty(EditorContext.prototype, method, {
    /** @this {EditorContext} @param {any} [options] */
    value(options) {
      return answerLater(method, options, (o) => {
        const { success, fail, complete, ...args } = o;
        return askElement(this.pageId, this.nodeId, method, [args]);
      });
    },
    writable: true,
    configurable: true,
  });
}

// The EditorContext of an `<editor>` node; nothing for any other node.
setContextFactory((pageId, node) => (node && node.t === 'editor' ? new EditorContext(pageId, node.n) : null));
