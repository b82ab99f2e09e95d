// No onShareAppMessage: WeChat offers no Forward in the menu.
Page({});
