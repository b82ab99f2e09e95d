getApp().globalData.entered = true
