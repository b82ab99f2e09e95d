// The keyboard's height: the fields' keyboardheightchange and wx.onKeyboardHeightChange, all logged.
Page({
  data: { log: '' },
  onLoad() {
    this.listener = (res) => this.add(`wx:${res.height}`);
    wx.onKeyboardHeightChange(this.listener);
  },
  add(text) {
    this.setData({ log: `${this.data.log}${text};` });
  },
  onField(e) {
    this.add(`${e.currentTarget.dataset.name}:${e.detail.height}:${e.detail.duration}`);
  },
  onFocus(e) {
    this.add(`focus:${e.detail.height}`);
  },
  onBlur() {
    this.add('blur');
  },
  onTap() {
    this.add('tap');
  },
  onOff() {
    wx.offKeyboardHeightChange(this.listener);
    this.add('off');
  },
});
