// Calls that stay pending in the host: requests to a server that never answers. Past the host's bound
// on calls in flight, the rest fail at once instead of piling up in the host's memory.
Page({
  data: { refused: 0, sent: false },
  onLoad(query) {
    const hang = decodeURIComponent(query.canary || '');
    let refused = 0;
    for (let i = 0; i < 1200; i += 1) {
      wx.request({
        url: `${hang}/hang/${i}`,
        fail: (res) => {
          if (String(res.errMsg).includes('too many calls in flight')) this.setData({ refused: (refused += 1) });
        },
      });
    }
    this.setData({ sent: true });
  },
});
