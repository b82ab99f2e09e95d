// Evaluated in the logic worker (test_hostile_frame.py): DOM operations no template would make, sent
// straight down the top page's frame port. The frame's own rules must keep every one of them inert.
async ({ base, canary }) => {
  const { toView } = self[Symbol.for('hutong.modules')]['logic/bridge.js'];
  const { instances } = self[Symbol.for('hutong.modules')]['logic/page.js'];
  const id = Math.max(...instances.keys());
  const payload = (name) => `new Image().src='${canary}/hit/${name}';top.location='${canary}/hit/${name}-top'`;
  let next = 900000;
  const el = (tag, attrs, children = []) => [next++, tag, attrs, 0, children, 0, 0];
  const text = (value) => [next++, value];
  const trees = [
    el('iframe', { src: `${canary}/hit/raw-iframe` }),
    el('IFRAME', { srcdoc: `<script>${payload('raw-srcdoc')}</script>` }),
    el('meta', { 'http-equiv': 'refresh', content: `0;url=${canary}/hit/raw-meta` }),
    el('script', { src: `${canary}/hit/raw-script.js` }),
    el('img', { src: '/none.png', onerror: payload('raw-img-onerror') }),
    el('a', { id: 'raw-a', href: `javascript:${payload('raw-a')}` }, [text('raw javascript link')]),
    el('a', { id: 'raw-a-top', href: `${canary}/hit/raw-a-top`, target: '_top' }, [text('raw top link')]),
    el('a', { id: 'raw-a-blank', href: `${canary}/hit/raw-a-blank`, target: '_blank' }, [text('raw new window')]),
    el('form', { action: `${canary}/hit/raw-form`, target: '_top' }, [el('button', { id: 'raw-submit' }, [text('submit')])]),
    el('object', { data: `${canary}/hit/raw-object` }),
    el('embed', { src: `${canary}/hit/raw-embed` }),
    el('base', { href: `${canary}/hit/raw-base/` }),
    el('link', { rel: 'stylesheet', href: `${canary}/hit/raw-link.css` }),
    el('div', { id: 'raw-handler', onclick: payload('raw-onclick'), style: `background:url(javascript:${payload('raw-css')})` }, [text('raw handler')]),
    // An ordinary image, allowed: once it has loaded, the frame has applied everything above.
    el('img', { id: 'raw-sync', src: `${canary}/hit/raw-sync.png` }),
  ];
  const ops = [];
  for (const tree of trees) ops.push(1, 1, 0, tree);
  // An attribute set later, on an element already there, goes through the same rules.
  ops.push(5, trees[5][0], 'onmouseover', payload('raw-attr'));
  // Code for the frame, as only the host may hand it (a primed frame's `prepare`, a page's `init`).
  const code = `document.documentElement.appendChild(Object.assign(document.createElement('p'), { id: 'raw-code' }));${payload('raw-code')}`;
  toView(id, { t: 'prepare', viewCode: code });
  toView(id, { t: 'init', viewCode: code, route: 'pages/storage/storage' });
  toView(id, { t: 'render', seq: 999999, ops });
  return id;
}
