Page({
  badge() {
    wx.setTabBarBadge({ index: 1, text: '3' });
    wx.showTabBarRedDot({ index: 2 });
  },
  swap() {
    wx.setTabBarItem({ index: 2, text: 'Mine', iconPath: '/icons/new.png', selectedIconPath: 'icons/home-on.png' });
  },
});
