// setUpdatePerformanceListener: one call per setData, merged updates share an id, a child's observer
// setData during the page's update names it as parent.
Page({
  data: { a: 0, b: 0, result: '' },
  onLoad() {
    getApp().updates = getApp().updates || [];
    this.setUpdatePerformanceListener({ withDataPaths: true }, (res) => getApp().updates.push({ who: 'page', ...res }));
  },
  update() {
    this.setData({ a: 1 });
    this.setData({ 'b': 2 });
  },
  report() {
    this.setUpdatePerformanceListener({}, null); // the report's own setData is not counted
    const seen = getApp().updates;
    const page = seen.filter((r) => r.who === 'page');
    const child = seen.filter((r) => r.who === 'child');
    const ordered = seen.every((r) => r.pendingStartTimestamp <= r.updateStartTimestamp && r.updateStartTimestamp <= r.updateEndTimestamp);
    const line = (r) => [r.who, r.isMergedUpdate, JSON.stringify(r.dataPaths), r.parentUpdateProcessId === undefined ? '-' : r.parentUpdateProcessId === page[0].updateProcessId ? 'parent=page' : 'parent=?'].join(':');
    this.reports = (this.reports || 0) + 1;
    this.setData({
      result: [
        `#${this.reports}`,
        seen.map(line).join(' '),
        `same=${page.length === 2 && page[0].updateProcessId === page[1].updateProcessId}`,
        `distinct=${child.length === 1 && child[0].updateProcessId !== page[0].updateProcessId}`,
        `ordered=${ordered}`,
      ].join(' '),
    });
  },
});
