// The capsule menu's Share and Share to Timeline, and the share button: the page says what is shared.
Page({
  data: { from: '' },
  onShareAppMessage(res) {
    this.setData({ from: `${res.from}${res.target ? `:${res.target.dataset.item}` : ''}` });
    if (res.from === 'button') return { title: 'Tea for two', path: '/pages/share/share?item=tea' };
    return {
      title: 'Shared from the menu',
      path: '/pages/share/share?via=menu',
      // Resolved within 3 s, the promise's answer wins, as in WeChat.
      promise: new Promise((resolve) => setTimeout(() => resolve({ title: 'Shared after a promise', path: '/pages/share/share?via=promise' }), 50)),
    };
  },
  onShareTimeline() {
    this.setData({ from: 'timeline' });
    return { title: 'On the timeline', query: 'via=timeline' };
  },
  onAddToFavorites() {
    this.setData({ from: 'favorites' });
    return { title: 'Kept', query: 'via=favorites' };
  },
  hide() {
    wx.hideShareMenu();
  },
  show() {
    wx.showShareMenu({ menus: ['shareAppMessage', 'shareTimeline'] });
  },
});
