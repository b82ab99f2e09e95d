// Used by derived.js: its filter runs only if derived.js passes it on (definitionFilterArr).
module.exports = Behavior({
  definitionFilter(fields) {
    fields.data = Object.assign(fields.data || {}, { tag: 'tagged' })
  },
})
