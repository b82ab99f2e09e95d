App({ globalData: { entered: false } })
