App({
  onLaunch(options) {
    // The merchant watches how many inquiries become hires; the launch scene says where people came from.
    this.globalData.scene = options.scene
  },
  globalData: {
    scene: 0,
    inquiry: null,
  },
})
