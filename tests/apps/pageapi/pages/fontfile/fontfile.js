// wx.loadFontFace with the app's own font file (tests/fontgen.py: every character is a box 1 em wide),
// by package path and by a path relative to this page; in the page (webview) and for canvas (native).
// The same font as a data: URL.
const BOX_DATA = 'data:font/ttf;base64,AAEAAAAKAIAAAwAgT1MvMmWgV1sAAACsAAAAYGNtYXAAXwGeAAABDAAAAOpnbHlmA74IcAAAAfgAAAAkaGVhZGMGQ6EAAAIcAAAANmhoZWEHCgOHAAACVAAAACRobXR4BdwAZAAAAngAAAAIbG9jYQASAAAAAAKAAAAABm1heHAABAAGAAACiAAAACBuYW1lCx4fWAAAAqgAAACucG9zdP+fADIAAANYAAAAIAAEA+gBkAAFAAACigK8AAAAjAKKArwAAAHgADIA+gAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAABIVVRHAEAAIAB+AyD/OAAAAyAAyAAAAAEAAAAAArwCvAAAACAAAQAAAAEAAwABAAAADAAEAN4AAAAEAAQAAQAAAH7//wAAACD//wAAAAEABAAAAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQAAAAEAZAAAA4QCvAADAAABAQEBAGQAAAMgAAAAAAK8AAD9RAAAAAEAAAABAADcnwO9Xw889QALA+gAAAAAAAAAAAAAAAAAAAAAAGQAAAOEArwAAAAIAAIAAAAAAAAAAQAAAyD/OAAAA+gAZABkA4QAAQAAAAAAAAAAAAAAAAAAAAIB9AAAA+gAZAAAAAAAEgAAAAEAAAACAAQAAQAAAAAAAgAAAAAAAAAAAAAAAAAAAAAAAAAFAEIAAwABBAkAAQAUAAAAAwABBAkAAgAOABQAAwABBAkAAwAkACIAAwABBAkABAAUAEYAAwABBAkABgASAFoASAB1AHQAbwBuAGcAIABCAG8AeABSAGUAZwB1AGwAYQByAEgAdQB0AG8AbgBnACAAQgBvAHgAIABSAGUAZwB1AGwAYQByAEgAdQB0AG8AbgBnACAAQgBvAHgASAB1AHQAbwBuAGcAQgBvAHgAAAADAAAAAAAA/5wAMgAAAAAAAAAAAAAAAAAAAAAAAAAA';

function canvasWidth(family) {
  const ctx = wx.createOffscreenCanvas({ type: '2d', width: 10, height: 10 }).getContext('2d');
  ctx.font = `20px "${family}", monospace`;
  return ctx.measureText('iiii').width;
}

Page({
  data: { out: '' },
  async onLoad(query) {
    if (query.next) return;
    const r = {};
    // Another family: Chromium's worker canvas keeps the fallback of a family measured before it loads.
    r.canvasBefore = canvasWidth('Box Never');
    r.root = await wx.loadFontFace({ family: 'Box Root', source: 'url("/fonts/box.ttf")' }).then((res) => `${res.errMsg} ${res.status}`);
    r.canvasAfter = canvasWidth('Box Root');
    r.relative = await new Promise((resolve) =>
      wx.loadFontFace({ family: 'Box Relative', source: '../../fonts/box.ttf', scopes: ['webview'], success: (res) => resolve(res.errMsg) }),
    );
    r.relativeCanvas = canvasWidth('Box Relative');
    r.global = await wx.loadFontFace({ global: true, family: 'Box Everywhere', source: '/fonts/box.ttf', scopes: ['webview'] }).then((res) => res.errMsg);
    r.data = await wx.loadFontFace({ family: 'Box Data', source: `url("${BOX_DATA}")`, scopes: ['webview', 'native'] }).then((res) => res.errMsg);
    r.dataCanvas = canvasWidth('Box Data');
    r.missing = await wx.loadFontFace({ family: 'Gone', source: '/fonts/missing.ttf' }).catch((res) => `${res.errMsg} ${res.status}`);
    r.scope = await wx.loadFontFace({ family: 'Gone', source: '/fonts/box.ttf', scopes: ['paper'] }).catch((res) => res.errMsg);
    this.setData({ out: JSON.stringify(r) });
  },
  next() {
    wx.navigateTo({ url: '/pages/fontfile/fontfile?next=1' });
  },
});
