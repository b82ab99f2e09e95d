const app = getApp()
Component({
  properties: { label: String },
  lifetimes: {
    created() { app.globalData.log.push('probe:created') },
    attached() { app.globalData.log.push('probe:attached:' + this.data.label) },
    ready() { app.globalData.log.push('probe:ready') },
  },
})
