Component({
  properties: {
    title: String,
    time: String,
    state: { type: String, value: 'todo' },
    last: Boolean,
  },
})
