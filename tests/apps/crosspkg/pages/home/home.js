// Uses a component of subpackage b without a componentPlaceholder: WeChat builds it, and the page
// finds the component only once b has loaded (opened from b's page, it is there).
Page({
  data: { errors: '' },
  onShow() {
    this.setData({ errors: (getApp().errors || []).join(';') });
  },
});
