Page({
  data: { out: '' },
  onReady() {
    this.setData({ out: JSON.stringify(this.selectComponent('#early').report()) });
  },
});
