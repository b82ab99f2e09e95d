Page({
  data: {
    log: '',
    grids: [
      { imgUrl: '/images/dot.png', text: 'Popups', url: '/pages/popups/popups' },
      { imgUrl: '/images/dot.png', text: 'Two' },
      { imgUrl: '/images/dot.png', text: 'Three' },
      { imgUrl: '/images/dot.png', text: 'Four' },
    ],
    tabs: [
      { text: 'Chats', iconPath: '/images/dot.png', selectedIconPath: '/images/dot-on.png', badge: '3' },
      { text: 'Contacts', iconPath: '/images/dot.png', selectedIconPath: '/images/dot-on.png' },
      { text: 'Me', iconPath: '/images/dot.png', selectedIconPath: '/images/dot-on.png', dot: true },
    ],
  },
  onTab(e) {
    this.setData({ log: this.data.log + 'tab:' + e.detail.index + ':' + e.detail.item.text + ';' })
  },
})
