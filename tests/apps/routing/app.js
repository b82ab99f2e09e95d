App({ globalData: { taps: [] } })
