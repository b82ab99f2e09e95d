// Denial of service: more pages than WeChat's 10, and a flood of calls and toasts on the bridge.
// The host must stay responsive and bounded (the test checks it from outside).
Page({
  data: { depth: 0, status: 'starting', failures: '', answered: 0 },
  onLoad(query) {
    const depth = Number(query.depth || 1);
    this.setData({ depth });
    if (depth > 1) return;
    const failures = [];
    const opens = [];
    for (let i = 2; i <= 15; i += 1) {
      opens.push(wx.navigateTo({ url: `/pages/spam/spam?depth=${i}` }).catch((res) => failures.push(res.errMsg)));
    }
    for (let i = 0; i < 5000; i += 1) wx.showToast({ title: `spam ${i}`, duration: 60000 });
    const calls = [];
    for (let i = 0; i < 20000; i += 1) calls.push(wx.setNavigationBarTitle({ title: `spam ${i}` }).catch(() => null));
    Promise.all([...opens, ...calls]).then(() => {
      this.setData({ status: 'flooded', failures: failures.join('|') });
      // Dialogs wait for a tap: asked for in a loop, each must take the place of the one before.
      let answered = 0;
      for (let i = 0; i < 1500; i += 1) {
        wx.showModal({ title: `spam ${i}` }).then(() => this.setData({ answered: (answered += 1) }));
      }
    });
  },
});
