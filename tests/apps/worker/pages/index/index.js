// Starts the worker, talks to it, and writes every answer into #log as JSON lines.
Page({
  data: { log: '', errors: '' },
  add(line) {
    this.setData({ log: `${this.data.log}${JSON.stringify(line)}\n` });
  },
  start() {
    try {
      this.worker = wx.createWorker('workers/calc/index.js');
    } catch (error) {
      this.add({ error: String(error.message || error) });
      return;
    }
    this.worker.onMessage((message) => this.add(message));
    // A second worker while one runs: WeChat allows one at a time.
    try {
      wx.createWorker('workers/calc/index.js');
      this.add({ second: 'created' });
    } catch (error) {
      this.add({ second: 'refused' });
    }
  },
  sum() {
    this.worker.postMessage({ kind: 'sum', numbers: [1, 2, 3, 4] });
  },
  probe() {
    this.worker.postMessage({ kind: 'probe' });
  },
  stop() {
    this.worker.terminate();
    this.worker.postMessage({ kind: 'sum', numbers: [5] });
    let outside = '';
    try {
      wx.createWorker('pages/index/index.js');
    } catch (error) {
      outside = 'refused';
    }
    this.add({ stopped: true, outside });
  },
});
