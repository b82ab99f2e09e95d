Component({
  lifetimes: {
    detached() { getApp().detached.push(this.id || 'anonymous') },
  },
})
