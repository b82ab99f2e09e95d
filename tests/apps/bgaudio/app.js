App({ globalData: { events: [] } })
