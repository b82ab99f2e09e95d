// Scopes and the user's profile: each button asks one thing; the answer lands in #out as JSON.
Page({
  data: { out: '', n: 0, avatar: '', nickLog: '', buttons: ['camera', 'record', 'setting', 'openSetting', 'profile', 'profileLater', 'userInfo', 'location', 'badScope', 'photo', 'address', 'invoice', 'watch', 'unwatch', 'watchBackground', 'fixes', 'calendar', 'repeatCalendar', 'contact'] },
  show(res) {
    this.setData({ out: JSON.stringify(res), n: this.data.n + 1 });
  },
  tap(event) {
    const done = (res) => this.show(res);
    switch (event.currentTarget.dataset.name) {
      case 'camera':
        wx.authorize({ scope: 'scope.camera', success: done, fail: done });
        break;
      case 'record':
        wx.authorize({ scope: 'scope.record' }).then(done, done);
        break;
      case 'setting':
        wx.getSetting({ withSubscriptions: true }).then(done, done);
        break;
      case 'openSetting':
        wx.openSetting({ success: done, fail: done });
        break;
      case 'profile':
        wx.getUserProfile({ desc: '用于完善会员资料', lang: 'zh_CN' }).then(done, done);
        break;
      case 'profileLater':
        // Not in the tap any more: WeChat refuses without asking.
        setTimeout(() => wx.getUserProfile({ desc: '用于完善会员资料' }).then(done, done), 0);
        break;
      case 'userInfo':
        wx.getUserInfo({ success: done, fail: done });
        break;
      case 'location':
        wx.getLocation({ type: 'wgs84' }).then((res) => done([res.errMsg, res.latitude, res.longitude]), done);
        break;
      case 'photo':
        wx.chooseImage({ count: 1, sourceType: ['camera'] }).then(done, done);
        break;
      case 'address':
        wx.chooseAddress({ success: done, fail: done });
        break;
      case 'invoice':
        wx.chooseInvoiceTitle().then(done, done);
        break;
      case 'badScope':
        wx.authorize({ scope: 'scope.everything' }).then(done, done);
        break;
      case 'watch':
      case 'watchBackground':
        if (!this.heard) {
          this.heard = [];
          wx.onLocationChange((res) => this.heard.push([res.latitude, res.longitude]));
        }
        (event.currentTarget.dataset.name === 'watch' ? wx.startLocationUpdate() : wx.startLocationUpdateBackground()).then(done, done);
        break;
      case 'unwatch':
        wx.stopLocationUpdate({ success: done, fail: done });
        break;
      case 'fixes':
        done(this.heard || []);
        break;
      case 'calendar':
        wx.addPhoneCalendar({ title: 'Tea tasting; bring friends', startTime: 1796000000, endTime: '1796003600', location: 'Hutong, Beijing', alarmOffset: 600, success: done, fail: done });
        break;
      case 'repeatCalendar':
        wx.addPhoneRepeatCalendar({ title: 'Weekly tea', startTime: 1796000000, allDay: true, alarm: false, repeatInterval: 'week', repeatEndTime: 1800000000 }).then(done, done);
        break;
      case 'contact':
        wx.addPhoneContact({ firstName: 'Mei', lastName: 'Li', mobilePhoneNumber: '13800000000', organization: 'Hutong Tea, Ltd', weChatNumber: 'limei' }).then(done, done);
        break;
      default:
        break;
    }
  },
  onUserInfo(event) {
    this.show(event.detail);
  },
  onOpenSetting(event) {
    this.show(event.detail);
  },
  onChooseAvatar(event) {
    this.setData({ avatar: event.detail.avatarUrl });
    this.show({ avatarUrl: event.detail.avatarUrl, size: wx.getFileSystemManager().statSync(event.detail.avatarUrl).size });
  },
  onNickInput(event) {
    this.setData({ nickLog: `${this.data.nickLog}input:${event.detail.value};` });
  },
  onNickBlur(event) {
    this.setData({ nickLog: `${this.data.nickLog}blur:${event.detail.value};` });
  },
  onNickReview(event) {
    this.setData({ nickLog: `${this.data.nickLog}review:${event.detail.pass};` });
  },
});
