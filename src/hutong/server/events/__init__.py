"""Events a mini program reports (wx.reportEvent, wx.reportAnalytics), stored per app."""
