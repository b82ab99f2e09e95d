App({
  globalData: { step: 1 },
})
