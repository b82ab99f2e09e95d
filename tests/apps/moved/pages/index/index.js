Page({
  data: { items: ['a', 'b', 'c'] },
  swap() {
    // c moves to the front; a and b keep their order, so only c has moved.
    this.setData({ items: ['c', 'a', 'b'] })
  },
})
