// A computed-fields behavior in the way UI libraries write one: definitionFilter turns `derived`
// into observers plus a method the behavior's own attached lifetime calls.
const tagged = require('./tagged')

module.exports = Behavior({
  behaviors: [tagged],
  lifetimes: {
    attached() {
      this.computeAll()
    },
  },
  definitionFilter(fields, inherited) {
    inherited.forEach((filter) => filter(fields))
    const derived = fields.derived || {}
    fields.observers = fields.observers || {}
    Object.keys(derived).forEach((name) => {
      const [paths, getter] = derived[name]
      fields.observers[paths] = function (...args) {
        this.setData({ [name]: getter(...args) })
      }
    })
    fields.methods = Object.assign(fields.methods || {}, {
      computeAll() {
        Object.keys(derived).forEach((name) => {
          const [paths, getter] = derived[name]
          const args = paths.split(',').map((path) => this.data[path.trim()])
          this.setData({ [name]: getter(...args) })
        })
      },
    })
  },
})
