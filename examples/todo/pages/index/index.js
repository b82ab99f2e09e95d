const STORAGE_KEY = 'todos'

Page({
  data: {
    todos: [],
    draft: '',
    filter: 'all',
    left: 0,
  },

  onLoad() {
    const saved = wx.getStorageSync(STORAGE_KEY) || []
    this.update(saved)
  },

  update(todos) {
    wx.setStorageSync(STORAGE_KEY, todos)
    this.setData({ todos, left: todos.filter((todo) => !todo.done).length })
  },

  onInput(event) {
    this.setData({ draft: event.detail.value })
  },

  onAdd() {
    const title = this.data.draft.trim()
    if (!title) {
      wx.showToast({ title: 'Write something first', icon: 'none' })
      return
    }
    const todo = { id: Date.now(), title, done: false }
    this.update([todo, ...this.data.todos])
    this.setData({ draft: '' })
  },

  onToggle(event) {
    const { id } = event.currentTarget.dataset
    this.update(this.data.todos.map((todo) => (todo.id === id ? { ...todo, done: !todo.done } : todo)))
  },

  onRemove(event) {
    const { id } = event.currentTarget.dataset
    this.update(this.data.todos.filter((todo) => todo.id !== id))
  },

  onFilter(event) {
    this.setData({ filter: event.currentTarget.dataset.filter })
  },

  onClearDone() {
    this.update(this.data.todos.filter((todo) => !todo.done))
  },
})
