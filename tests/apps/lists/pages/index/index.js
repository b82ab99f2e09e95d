const make = (ids) => ids.map((id) => ({ id, label: 'item ' + id }))
// Each step changes the lists in a way a keyed diff must follow exactly.
const steps = [
  (d) => ({ items: make([5, 4, 3, 2, 1]), plain: ['a', 'b', 'c', 'd'] }),
  (d) => ({ items: make([5, 4, 9, 3, 2, 1]), plain: ['a', 'b'] }),
  (d) => ({ items: make([1, 9, 5]), plain: ['x', 'b', 'c'], flag: false }),
  (d) => ({ items: make([2, 1, 7, 9, 5, 3]), plain: [], flag: true }),
  (d) => ({ items: [], plain: ['z'] }),
  (d) => ({ items: make([3, 1, 2]) }),
]
Page({
  data: { items: make([1, 2, 3, 4, 5]), plain: ['a', 'b', 'c'], flag: true, round: 0 },
  step() {
    const next = steps[this.data.round](this.data)
    this.setData({ ...next, round: this.data.round + 1 })
  },
})
